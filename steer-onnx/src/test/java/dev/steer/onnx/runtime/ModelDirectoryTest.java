package dev.steer.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {

  @TempDir Path dir;

  private static final String GPT2 = """
      {"model_type": "gpt2", "n_layer": 4, "n_embd": 64, "n_head": 4, "vocab_size": 300,
       "n_positions": 128, "bos_token_id": 1, "eos_token_id": 2}""";
  private static final String LLAMA = """
      {"model_type": "llama", "num_hidden_layers": 3, "hidden_size": 96, "num_attention_heads": 6,
       "num_key_value_heads": 2, "vocab_size": 500, "max_position_embeddings": 256,
       "bos_token_id": 1, "eos_token_id": [2, 3], "head_dim": 16}""";

  @Test
  void readsGpt2StyleKeys() throws IOException {
    Files.writeString(dir.resolve("config.json"), GPT2);
    Files.writeString(dir.resolve("model.onnx"), "x");
    ModelDirectory m = ModelDirectory.open(dir);
    assertEquals(new ModelConfig("gpt2", 4, 64, 4, 4, 16, 300, 128, 1, Set.of(2), -1), m.config());
    assertEquals(ModelDirectory.Layout.SINGLE, m.layout());
  }

  @Test
  void readsLlamaStyleKeysAndGenerationConfigWins() throws IOException {
    Files.writeString(dir.resolve("config.json"), LLAMA);
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 7, \"pad_token_id\": 0}");
    Files.createDirectories(dir.resolve("onnx"));
    Files.writeString(dir.resolve("onnx/decoder_model_merged.onnx"), "x");
    ModelDirectory m = ModelDirectory.open(dir);
    assertEquals(Set.of(7), m.config().eosTokenIds());
    assertEquals(0, m.config().padTokenId());
    assertEquals(2, m.config().kvHeads());
    assertEquals(ModelDirectory.Layout.MERGED, m.layout());
  }

  @Test
  void findsSplitExports() throws IOException {
    Files.writeString(dir.resolve("config.json"), GPT2);
    Files.writeString(dir.resolve("decoder_model.onnx"), "x");
    Files.writeString(dir.resolve("decoder_with_past_model.onnx"), "x");
    assertEquals(ModelDirectory.Layout.SPLIT, ModelDirectory.open(dir).layout());
  }

  @Test
  void namesWhatIsMissing() throws IOException {
    ModelLoadException noConfig = assertThrows(ModelLoadException.class, () -> ModelDirectory.open(dir));
    assertTrue(noConfig.getMessage().contains("config.json"), noConfig.getMessage());
    Files.writeString(dir.resolve("config.json"), GPT2);
    ModelLoadException noGraph = assertThrows(ModelLoadException.class, () -> ModelDirectory.open(dir));
    assertTrue(noGraph.getMessage().contains("model.onnx"), noGraph.getMessage());
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_layer\": 4}");
    Files.writeString(dir.resolve("model.onnx"), "x");
    ModelLoadException noHidden = assertThrows(ModelLoadException.class, () -> ModelDirectory.open(dir));
    assertTrue(noHidden.getMessage().contains("hidden_size or n_embd"), noHidden.getMessage());
    Files.writeString(dir.resolve("config.json"), "[1, 2");
    assertThrows(ModelLoadException.class, () -> ModelDirectory.open(dir));
    assertThrows(ModelLoadException.class, () -> ModelDirectory.open(dir.resolve("absent")));
  }
}
