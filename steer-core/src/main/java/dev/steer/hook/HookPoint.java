package dev.steer.hook;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A place in a decoder's residual stream: a 0-based block index and a {@link Site} inside that block.
 *
 * <p>Printed and parsed with TransformerLens names, {@code blocks.6.hook_resid_post}, so that names can
 * be pasted between Steer, its files and logs, and Python tools. Hook points are ordered by depth:
 * first by layer, then by {@link Site} order within the block. Immutable and thread-safe.
 *
 * @param layer 0-based block index
 * @param site where in the block
 */
public record HookPoint(int layer, Site site) implements Comparable<HookPoint> {

  private static final Pattern NAME = Pattern.compile("blocks\\.(\\d{1,9})\\.(hook_[a-z_]+)");
  private static final Comparator<HookPoint> DEPTH =
      Comparator.comparingInt(HookPoint::layer).thenComparing(HookPoint::site);

  /** Validates the components. */
  public HookPoint {
    checkArgument(layer >= 0, "layer must be >= 0: %s", layer);
    checkNotNull(site, "site");
  }

  /** The hook point {@code blocks.layer.site}. */
  public static HookPoint of(int layer, Site site) {
    return new HookPoint(layer, site);
  }

  /** {@code blocks.layer.hook_resid_pre}. */
  public static HookPoint residPre(int layer) {
    return new HookPoint(layer, Site.RESID_PRE);
  }

  /** {@code blocks.layer.hook_resid_mid}. */
  public static HookPoint residMid(int layer) {
    return new HookPoint(layer, Site.RESID_MID);
  }

  /** {@code blocks.layer.hook_resid_post}. */
  public static HookPoint residPost(int layer) {
    return new HookPoint(layer, Site.RESID_POST);
  }

  /** {@code blocks.layer.hook_attn_out}. */
  public static HookPoint attnOut(int layer) {
    return new HookPoint(layer, Site.ATTN_OUT);
  }

  /** {@code blocks.layer.hook_mlp_out}. */
  public static HookPoint mlpOut(int layer) {
    return new HookPoint(layer, Site.MLP_OUT);
  }

  /**
   * Parses a TransformerLens name such as {@code blocks.6.hook_resid_post}.
   *
   * @throws IllegalArgumentException naming the text and the expected form when it does not parse
   */
  public static HookPoint parse(String name) {
    checkNotNull(name, "name");
    Matcher m = NAME.matcher(name.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a hook point name: '" + name + "'; expected blocks.<layer>.hook_<site>,"
              + " e.g. blocks.6.hook_resid_post");
    }
    try {
      return new HookPoint(Integer.parseInt(m.group(1)), Site.fromHookName(m.group(2)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hook point name: '" + name + "': " + e.getMessage()
          + " (form: blocks.<layer>.hook_<site>)", e);
    }
  }

  /** The TransformerLens name, e.g. {@code blocks.6.hook_resid_post}; {@link #parse} reads it back. */
  public String name() {
    return "blocks." + layer + "." + site.hookName();
  }

  @Override
  public int compareTo(HookPoint other) {
    return DEPTH.compare(this, other);
  }

  @Override
  public String toString() {
    return name();
  }
}
