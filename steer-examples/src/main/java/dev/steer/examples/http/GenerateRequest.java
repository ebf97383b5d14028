package dev.steer.examples.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVectorSet;
import java.util.Map;
import java.util.Optional;

/**
 * One validated {@code POST /generate} body: {@code {"prompt": text, "vector": name, "alpha": number,
 * "maxTokens": int, "layer": int}}; only {@code prompt} is required ({@code vector} absent or null means
 * unsteered; {@code alpha} is then not allowed, and required otherwise). Steering adds α times the named
 * set's vector at each of its hook points, or only at block {@code layer} when given.
 */
record GenerateRequest(String prompt, Optional<String> vector, double alpha, int maxTokens, Optional<Integer> layer) {
  static final int DEFAULT_MAX_TOKENS = 20;

  /** Parses and validates {@code body}; {@link BadRequest} names the first problem. */
  static GenerateRequest parse(String body, Map<String, SteeringVectorSet> vectors, int maxTokensLimit) {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(body);
      if (!e.isJsonObject()) {
        throw new BadRequest("the body must be a JSON object, got: " + abbreviate(body));
      }
      o = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new BadRequest("the body is not valid JSON: " + e.getMessage());
    }
    for (String key : o.keySet()) {
      if (!key.equals("prompt") && !key.equals("vector") && !key.equals("alpha") && !key.equals("maxTokens")
          && !key.equals("layer")) {
        throw new BadRequest("unknown field \"" + key + "\"; expected prompt, vector, alpha, maxTokens, layer");
      }
    }
    String prompt = string(o, "prompt").orElseThrow(() -> new BadRequest("\"prompt\" is required"));
    if (prompt.isBlank()) {
      throw new BadRequest("\"prompt\" must not be blank");
    }
    Optional<String> vector = string(o, "vector");
    if (vector.isPresent() && !vectors.containsKey(vector.get())) {
      throw new BadRequest("unknown vector \"" + vector.get() + "\"; this server has " + vectors.keySet());
    }
    Optional<Double> alpha = number(o, "alpha");
    if (vector.isPresent() && alpha.isEmpty()) {
      throw new BadRequest("\"alpha\" is required with a vector");
    }
    if (vector.isEmpty() && (alpha.isPresent() || o.has("layer"))) {
      throw new BadRequest("\"alpha\" and \"layer\" need a \"vector\"");
    }
    if (alpha.isPresent() && !Double.isFinite(alpha.get())) {
      throw new BadRequest("\"alpha\" must be finite: " + alpha.get());
    }
    int maxTokens = integer(o, "maxTokens").orElse(DEFAULT_MAX_TOKENS);
    if (maxTokens < 1 || maxTokens > maxTokensLimit) {
      throw new BadRequest("\"maxTokens\" must be in [1, " + maxTokensLimit + "]: " + maxTokens);
    }
    Optional<Integer> layer = integer(o, "layer");
    if (layer.isPresent()) {
      SteeringVectorSet set = vectors.get(vector.get());
      if (set.hookPoints().stream().noneMatch(h -> h.layer() == layer.get())) {
        throw new BadRequest("vector \"" + vector.get() + "\" has no vector at layer " + layer.get() + "; it has "
            + set.hookPoints());
      }
    }
    return new GenerateRequest(prompt, vector, alpha.orElse(0.0), maxTokens, layer);
  }

  /** α·v at each of the set's hook points (or those at {@link #layer}); empty without a vector. */
  SteeringPlan plan(Map<String, SteeringVectorSet> vectors) {
    if (vector.isEmpty()) {
      return SteeringPlan.empty();
    }
    SteeringVectorSet set = vectors.get(vector.get());
    SteeringPlan.Builder b = SteeringPlan.builder();
    for (HookPoint h : set.hookPoints()) {
      if (layer.isEmpty() || layer.get() == h.layer()) {
        b.add(h, Additive.of(set.get(h).orElseThrow(), alpha));
      }
    }
    return b.build();
  }

  private static Optional<String> string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    if (!(e instanceof JsonPrimitive p) || !p.isString()) {
      throw new BadRequest("\"" + key + "\" must be a string, got " + e);
    }
    return Optional.of(p.getAsString());
  }

  private static Optional<Double> number(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
      throw new BadRequest("\"" + key + "\" must be a number, got " + e);
    }
    return Optional.of(p.getAsDouble());
  }

  private static Optional<Integer> integer(JsonObject o, String key) {
    Optional<Double> d = number(o, key);
    if (d.isPresent() && (d.get() != Math.rint(d.get()) || Math.abs(d.get()) > Integer.MAX_VALUE)) {
      throw new BadRequest("\"" + key + "\" must be an integer, got " + o.get(key));
    }
    return d.map(Double::intValue);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** A request the server answers with 400 and this message. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }
}
