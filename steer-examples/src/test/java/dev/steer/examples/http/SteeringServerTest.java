package dev.steer.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.steer.examples.TinyModel;
import dev.steer.extract.ExtractionMethod;
import dev.steer.extract.TokenPosition;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import dev.steer.vector.SteeringVectorSet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP example against direct single-threaded calls on the same model. */
class SteeringServerTest {
  private static final int CLIENTS = 8;
  private static final int REQUESTS_PER_CLIENT = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> PROMPTS = List.of("w3 w14", "w9 w26 w1", "w5", "w12 w30 w7 w2");

  @TempDir static Path root;
  static OnnxSteerableModel model;
  static SteeringVector joyAt1;
  static SteeringVector joyAt0;
  static Map<String, SteeringVectorSet> vectors;

  SteeringServer server;
  HttpClient client;

  @BeforeAll
  static void openModel() throws IOException {
    model = OnnxSteerableModel.open(TinyModel.write(root.resolve("model")));
    List<String> pos = List.of("w1 w2 w3", "w1 w4 w5");
    List<String> neg = List.of("w8 w2 w3", "w8 w4 w5");
    joyAt0 = model.extract(pos, neg, HookPoint.residPost(0), ExtractionMethod.MEAN_DIFFERENCE, TokenPosition.LAST);
    joyAt1 = model.extract(pos, neg, HookPoint.residPost(1), ExtractionMethod.MEAN_DIFFERENCE, TokenPosition.LAST);
    vectors = Map.of(
        "joy", SteeringVectorSet.of(Map.of(HookPoint.residPost(1), joyAt1)),
        "both", SteeringVectorSet.of(Map.of(HookPoint.residPost(0), joyAt0, HookPoint.residPost(1), joyAt1)));
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  @BeforeEach
  void startServer() throws IOException {
    server = SteeringServer.start(model, vectors, new InetSocketAddress("127.0.0.1", 0), 4);
    client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/generate"))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Request i of the test load and the plan a caller would build for it by hand. */
  private record Case(String body, String prompt, SteeringPlan plan, int maxTokens) {}

  private static Case testCase(int i) {
    String prompt = PROMPTS.get(i % PROMPTS.size());
    double alpha = 2 * (i % 5);
    int maxTokens = 3 + i % 4;
    return switch (i % 3) {
      case 0 -> new Case("{\"prompt\":\"" + prompt + "\",\"maxTokens\":" + maxTokens + "}", prompt,
          SteeringPlan.empty(), maxTokens);
      case 1 -> new Case("{\"prompt\":\"" + prompt + "\",\"vector\":\"joy\",\"alpha\":" + alpha + ",\"maxTokens\":"
          + maxTokens + "}", prompt, SteeringPlan.of(HookPoint.residPost(1), Additive.of(joyAt1, alpha)), maxTokens);
      default -> new Case("{\"prompt\":\"" + prompt + "\",\"vector\":\"both\",\"alpha\":" + alpha
          + ",\"maxTokens\":" + maxTokens + "}", prompt, SteeringPlan.builder()
              .add(HookPoint.residPost(0), Additive.of(joyAt0, alpha))
              .add(HookPoint.residPost(1), Additive.of(joyAt1, alpha))
              .build(), maxTokens);
    };
  }

  @Test
  void concurrentClientsEachGetTheSingleThreadedResult() throws Exception {
    int total = CLIENTS * REQUESTS_PER_CLIENT;
    List<Generation> expected = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      Case c = testCase(i);
      expected.add(model.generate(c.prompt(), c.plan(), GenerationConfig.greedy(c.maxTokens())));
    }
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<String>> responses = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        String body = testCase(i).body();
        responses.add(clients.submit(() -> {
          HttpResponse<String> r = post(body);
          assertEquals(200, r.statusCode(), r.body());
          return r.body();
        }));
      }
      for (int i = 0; i < total; i++) {
        JsonObject o = JsonParser.parseString(responses.get(i).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
            .getAsJsonObject();
        Generation g = expected.get(i);
        assertEquals(g.text(), o.get("text").getAsString(), "request " + i);
        JsonArray tokens = o.getAsJsonArray("tokens");
        int[] got = new int[tokens.size()];
        for (int t = 0; t < got.length; t++) {
          got[t] = tokens.get(t).getAsInt();
        }
        assertEquals(java.util.Arrays.toString(g.tokens()), java.util.Arrays.toString(got), "request " + i);
        assertEquals(g.stopReason().name(), o.get("stopReason").getAsString(), "request " + i);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void steeringChangesTheOutputSoTheComparisonIsNotVacuous() {
    Case plain = testCase(0);
    Case steered = new Case("", plain.prompt(), SteeringPlan.of(HookPoint.residPost(1), Additive.of(joyAt1, 8)), 6);
    assertTrue(!model.generate(plain.prompt(), plain.plan(), GenerationConfig.greedy(6)).text()
        .equals(model.generate(steered.prompt(), steered.plan(), GenerationConfig.greedy(6)).text()));
  }

  @Test
  void badRequestsGet400WithAMessageAndTheServerKeepsServing() throws Exception {
    Map<String, String> bad = Map.of(
        "{not json", "not valid JSON",
        "{\"prompt\":\"w1\",\"vector\":\"rage\",\"alpha\":1}", "unknown vector \"rage\"",
        "{\"prompt\":\"w1\",\"maxTokens\":0}", "maxTokens",
        "{\"prompt\":\"w1\",\"vector\":\"joy\"}", "\"alpha\" is required",
        "{\"prompt\":\"  \"}", "blank",
        "{\"prompt\":\"w1\",\"vector\":\"joy\",\"alpha\":1,\"layer\":0}", "no vector at layer 0",
        "{\"prompt\":\"w1\",\"temperature\":1}", "unknown field \"temperature\"",
        "[1,2]", "JSON object");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      HttpResponse<String> r = post(e.getKey());
      assertEquals(400, r.statusCode(), e.getKey() + " -> " + r.body());
      String message = JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString();
      assertTrue(message.contains(e.getValue()), e.getKey() + " -> " + message);
    }
    HttpResponse<String> ok = post(testCase(1).body());
    assertEquals(200, ok.statusCode(), ok.body());
  }

  @Test
  void anOversizedBodyGets413() throws Exception {
    HttpResponse<String> r = post("{\"prompt\":\"" + "w1 ".repeat(SteeringServer.MAX_BODY_BYTES / 3 + 1) + "\"}");
    assertEquals(413, r.statusCode(), r.body());
  }

  @Test
  void aPromptLongerThanTheContextGets400() throws Exception {
    HttpResponse<String> r = post("{\"prompt\":\"" + "w1 ".repeat(200) + "\"}");
    assertEquals(400, r.statusCode(), r.body());
  }

  @Test
  void getOnGenerateGets405() throws Exception {
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/generate"))
        .timeout(TIMEOUT).GET().build();
    assertEquals(405, client.send(get, HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void closeLetsARunningRequestFinishAndRefusesNewOnes() throws Exception {
    GatedModel gated = new GatedModel(model);
    SteeringServer gatedServer = SteeringServer.start(gated, vectors, new InetSocketAddress("127.0.0.1", 0), 2);
    ExecutorService background = Executors.newFixedThreadPool(2);
    try {
      URI uri = URI.create("http://127.0.0.1:" + gatedServer.port() + "/generate");
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
          .POST(HttpRequest.BodyPublishers.ofString(testCase(0).body())).build();
      Future<HttpResponse<String>> running =
          background.submit(() -> client.send(request, HttpResponse.BodyHandlers.ofString()));
      assertTrue(gated.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the request never reached the model");
      Future<?> closing = background.submit(gatedServer::close);
      // Requests sent before close() takes effect are served (200); once it has, they get 503.
      HttpResponse<String> refused;
      do {
        refused = client.send(request, HttpResponse.BodyHandlers.ofString());
      } while (refused.statusCode() == 200);
      assertEquals(503, refused.statusCode(), refused.body());
      assertTrue(!closing.isDone(), "close returned while a request was running");
      gated.release.countDown();
      HttpResponse<String> finished = running.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(200, finished.statusCode(), finished.body());
      Case c = testCase(0);
      assertEquals(model.generate(c.prompt(), c.plan(), GenerationConfig.greedy(c.maxTokens())).text(),
          JsonParser.parseString(finished.body()).getAsJsonObject().get("text").getAsString());
      closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThrows(IOException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
    } finally {
      gated.release.countDown();
      gatedServer.close();
      background.shutdownNow();
    }
  }

  @Test
  void afterCloseTheServerRefusesConnections() {
    server.close();
    assertThrows(IOException.class, () -> post(testCase(0).body()));
  }
}
