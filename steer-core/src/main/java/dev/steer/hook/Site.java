package dev.steer.hook;

/**
 * A place inside one transformer block where the residual stream (or a branch writing into it) can be
 * read or edited. Names follow TransformerLens ({@code hook_resid_pre}, {@code hook_attn_out}, ...).
 *
 * <p>Constants are declared in the order data flows through a pre-norm block, which is the order used
 * by {@link HookPoint#compareTo}: the block input, the attention branch output, the stream between the
 * two branches, the MLP branch output, and the block output.
 */
public enum Site {
  /** Residual stream entering the block ({@code hook_resid_pre}). */
  RESID_PRE("hook_resid_pre"),
  /** Output of the attention branch before it is added to the stream ({@code hook_attn_out}). */
  ATTN_OUT("hook_attn_out"),
  /** Residual stream after the attention branch, before the MLP branch ({@code hook_resid_mid}). */
  RESID_MID("hook_resid_mid"),
  /** Output of the MLP branch before it is added to the stream ({@code hook_mlp_out}). */
  MLP_OUT("hook_mlp_out"),
  /** Residual stream leaving the block ({@code hook_resid_post}); equal to the next block's resid_pre. */
  RESID_POST("hook_resid_post");

  private final String hookName;

  Site(String hookName) {
    this.hookName = hookName;
  }

  /** The TransformerLens suffix, e.g. {@code hook_resid_post}. */
  public String hookName() {
    return hookName;
  }

  /** True for the three sites that hold the residual stream itself rather than a branch output. */
  public boolean isResidual() {
    return this == RESID_PRE || this == RESID_MID || this == RESID_POST;
  }

  /**
   * Parses a TransformerLens suffix such as {@code hook_resid_post} (the {@code hook_} prefix is optional).
   *
   * @throws IllegalArgumentException naming the accepted suffixes when {@code name} is none of them
   */
  public static Site fromHookName(String name) {
    String wanted = name.startsWith("hook_") ? name : "hook_" + name;
    for (Site site : values()) {
      if (site.hookName.equals(wanted)) {
        return site;
      }
    }
    throw new IllegalArgumentException(
        "unknown hook site '" + name + "'; expected one of hook_resid_pre, hook_attn_out, hook_resid_mid,"
            + " hook_mlp_out, hook_resid_post");
  }
}
