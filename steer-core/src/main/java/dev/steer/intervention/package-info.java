/**
 * Edits of residual-stream activations, one token row at a time, as a sealed family of immutable
 * records: {@link dev.steer.intervention.Additive} (h + α·v), {@link
 * dev.steer.intervention.Ablation} (remove the component along v), {@link
 * dev.steer.intervention.Clamp} (set it to c), the norm-preserving rotations {@link
 * dev.steer.intervention.AngularRotation} (to an absolute angle in a plane), {@link
 * dev.steer.intervention.PlaneRotation} (by an angle in a plane) and {@link
 * dev.steer.intervention.SlerpTowards} (part of the way towards v), and {@link
 * dev.steer.intervention.Sequence} (several in order).
 *
 * <p>{@link dev.steer.intervention.RotationPlane} holds the plane of the first two rotations and
 * fits one to per-layer candidate directions; {@link dev.steer.intervention.SiteAlignment} is
 * Selective Steering's test of which hook points to steer.
 */
package dev.steer.intervention;
