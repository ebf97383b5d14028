package dev.steer.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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

  private static final String GENAI_PACKED = """
      {"model": {"type": "gpt2", "bos_token_id": 98, "eos_token_id": [98, 99], "pad_token_id": 98,
        "vocab_size": 1000, "context_length": 512,
        "decoder": {"filename": "past.onnx", "num_key_value_heads": 4, "head_size": 8, "num_hidden_layers": 5,
          "inputs": {"past_names": "past_%d"}, "outputs": {"present_names": "present_%d"}}}}""";

  @Test
  void readsAnOnnxRuntimeGenAiFolderWithoutConfigJson() throws IOException {
    Files.writeString(dir.resolve("genai_config.json"), GENAI_PACKED);
    Files.writeString(dir.resolve("past.onnx"), "x");
    ModelDirectory m = ModelDirectory.open(dir);
    assertEquals(ModelDirectory.Format.GENAI, m.format());
    assertEquals(dir.resolve("past.onnx"), m.graph());
    // no hidden_size or num_attention_heads: heads = kv heads, hidden = heads × head size
    assertEquals(new ModelConfig("gpt2", 5, 32, 4, 4, 8, 1000, 512, 98, Set.of(98, 99), 98), m.config());
    assertTrue(m.io().packed());
    assertEquals(List.of("past_0", "past_1"), m.io().pastNames(Set.of("past_0", "past_1", "input_ids")));
    assertEquals(List.of("present_0", "present_1"), m.io().presentNames(Set.of("past_0", "past_1")));
    assertEquals(Optional.empty(), m.variant());
    assertEquals(Optional.empty(), m.tokenizer());
  }

  @Test
  void genAiNamesOverrideTheDefaultsAndOptimumNamesAreFoundWhenTheGraphUsesThem() throws IOException {
    Files.writeString(dir.resolve("genai_config.json"), GENAI_PACKED.replace(
        "\"past_names\": \"past_%d\"", "\"input_ids\": \"tokens\", \"past_key_names\": \"pk.%d\","
            + " \"past_value_names\": \"pv.%d\"").replace("\"present_names\": \"present_%d\"",
        "\"present_key_names\": \"k.%d\", \"present_value_names\": \"v.%d\""));
    Files.writeString(dir.resolve("past.onnx"), "x");
    DecoderIo io = ModelDirectory.open(dir).io();
    assertEquals("tokens", io.inputIds());
    assertEquals(List.of("pk.0", "pv.0"), io.pastNames(Set.of("pk.0")));
    assertEquals(List.of("k.0", "v.0"), io.presentNames(Set.of("pk.0")));
    // a graph that uses Optimum's names although the folder declared others
    DecoderIo found = io.matching(Set.of("past_key_values.0.key", "past_key_values.0.value"));
    assertEquals(List.of("present.0.key", "present.0.value"), found.presentNames(Set.of("past_key_values.0.key")));
  }

  @Test
  void genAiPipelinesOfSeveralGraphsAreRefusedNamingTheirFiles() throws IOException {
    Files.writeString(dir.resolve("genai_config.json"), GENAI_PACKED.replace("\"decoder\": {",
        "\"embedding\": {\"filename\": \"embeds.onnx\"}, \"decoder\": {"));
    Files.writeString(dir.resolve("past.onnx"), "x");
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectory.open(dir));
    assertTrue(e.getMessage().contains("not supported yet") && e.getMessage().contains("embeds.onnx"),
        e.getMessage());
  }

  @Test
  void aGenAiDecoderFileOutsideTheFolderIsRefused() throws IOException {
    Files.writeString(dir.resolve("genai_config.json"), GENAI_PACKED.replace("past.onnx", "../elsewhere.onnx"));
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectory.open(dir));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
  }

  @Test
  void transformersJsVariantsAreListedAndChosenFullPrecisionFirst() throws IOException {
    Files.writeString(dir.resolve("config.json"), LLAMA);
    Files.createDirectories(dir.resolve("onnx"));
    for (String f : List.of("model_q4.onnx", "model_fp16.onnx", "model.onnx", "model_quantized.onnx")) {
      Files.writeString(dir.resolve("onnx").resolve(f), "x");
    }
    ModelDirectory m = ModelDirectory.open(dir);
    assertEquals(List.of(ModelVariant.FP32, ModelVariant.FP16, ModelVariant.Q4, ModelVariant.QUANTIZED),
        m.variants());
    assertEquals(Optional.of(ModelVariant.FP32), m.variant());
    assertEquals(dir.resolve("onnx/model.onnx"), m.graph());
    assertEquals(dir.resolve("onnx/model_q4.onnx"),
        ModelDirectory.open(dir, Optional.of(ModelVariant.parse("q4"))).graph());
    assertEquals(dir.resolve("onnx/model_quantized.onnx"),
        ModelDirectory.open(dir, Optional.of(ModelVariant.parse("q8"))).graph());
    ModelLoadException absent = assertThrows(ModelLoadException.class,
        () -> ModelDirectory.open(dir, Optional.of(ModelVariant.BNB4)));
    assertTrue(absent.getMessage().contains("no bnb4 variant") && absent.getMessage().contains("q4"),
        absent.getMessage());
    IllegalArgumentException label = assertThrows(IllegalArgumentException.class, () -> ModelVariant.parse("fp8"));
    assertTrue(label.getMessage().contains("q4f16"), label.getMessage());
  }

  @Test
  void withoutFullPrecisionTheFirstVariantIsOpened() throws IOException {
    Files.writeString(dir.resolve("config.json"), LLAMA);
    Files.writeString(dir.resolve("decoder_model_merged_q4f16.onnx"), "x");
    Files.writeString(dir.resolve("decoder_model_merged_fp16.onnx"), "x");
    ModelDirectory m = ModelDirectory.open(dir);
    assertEquals(Optional.of(ModelVariant.FP16), m.variant());
    assertEquals(ModelDirectory.Layout.MERGED, m.layout());
  }

  @Test
  void aFolderOfNeitherLayoutIsRefusedListingWhatItHolds() throws IOException {
    Files.writeString(dir.resolve("weights.bin"), "x");
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectory.open(dir));
    assertTrue(e.getMessage().contains("weights.bin") && e.getMessage().contains("genai_config.json")
        && e.getMessage().contains("config.json"), e.getMessage());
    Files.writeString(dir.resolve("model.onnx"), "x");
    ModelLoadException file = assertThrows(ModelLoadException.class,
        () -> ModelDirectory.open(dir.resolve("model.onnx")));
    assertTrue(file.getMessage().contains("give the model folder"), file.getMessage());
  }
}
