package dev.steer.plan;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.Sets;
import dev.steer.hook.Site;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a plan is validated against: the number of blocks, the residual width and the sites a backend
 * can hook in this architecture. Immutable.
 *
 * @param layers number of transformer blocks (valid layer indices are 0 .. layers − 1)
 * @param hiddenSize residual-stream width d
 * @param sites the sites that exist in every block
 */
public record ModelShape(int layers, int hiddenSize, Set<Site> sites) {

  /** Validates and copies. */
  public ModelShape {
    checkArgument(layers > 0, "layers must be positive: %s", layers);
    checkArgument(hiddenSize > 0, "hiddenSize must be positive: %s", hiddenSize);
    checkNotNull(sites, "sites");
    checkArgument(!sites.isEmpty(), "a model shape needs at least one site");
    sites = Sets.immutableEnumSet(sites);
  }

  /** A shape in which all five sites exist. */
  public static ModelShape of(int layers, int hiddenSize) {
    return new ModelShape(layers, hiddenSize, EnumSet.allOf(Site.class));
  }
}
