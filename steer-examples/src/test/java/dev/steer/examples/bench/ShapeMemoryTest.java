package dev.steer.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.onnx.export.Architecture;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The plan-shape memory harness on a tiny model: one well-formed row; its memory figures are not asserted. */
class ShapeMemoryTest {

  @Test
  void measuresOneRowWithTheModelsWeightsAndATiming() throws Exception {
    String row = ShapeMemory.measure("--arch", "gpt2", "--hidden", "32", "--layers", "2", "--prepack", "false");
    String[] cells = row.split("\\|");
    assertEquals(7, cells.length, row); // a leading empty cell and six columns
    assertEquals("GPT2 d=32 L=2", cells[1].trim());
    double weights = new BenchModel(Architecture.GPT2, 32, 2, 8000, 256).weightMib();
    assertEquals(String.format(Locale.ROOT, "%.1f", weights), cells[2].trim());
    assertEquals("off", cells[3].trim());
    for (int c = 4; c <= 5; c++) {
      Double.parseDouble(cells[c].trim());
    }
    assertTrue(Double.parseDouble(cells[6].trim()) > 0, row);
    assertEquals(ShapeMemory.HEADER.split("\n")[0].split("\\|").length, cells.length);
  }

  @Test
  void badOptionsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShapeMemory.measure("--prepack", "yes"));
    assertTrue(e.getMessage().contains("--prepack"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ShapeMemory.measure("--arch", "gemma2"));
    assertTrue(e.getMessage().contains("--arch"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ShapeMemory.measure("--speed", "9"));
    assertTrue(e.getMessage().contains("--speed"), e.getMessage());
  }
}
