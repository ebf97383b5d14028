package dev.steer.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class SvgLineChartTest {

  private static Element polyline(String svg, int index) throws Exception {
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    return (Element) doc.getElementsByTagName("polyline").item(index);
  }

  @Test
  void theDataRangeSpansThePlotAreaCornerToCorner() throws Exception {
    String svg = SvgLineChart.render("t", "x", "y",
        List.of(new SvgLineChart.Series("a", new double[] {0, 5, 10}, new double[] {2, 3, 4})));
    double left = SvgLineChart.LEFT;
    double right = SvgLineChart.WIDTH - SvgLineChart.RIGHT;
    double top = SvgLineChart.TOP;
    double bottom = SvgLineChart.HEIGHT - SvgLineChart.BOTTOM;
    String expected = String.format(java.util.Locale.ROOT, "%.2f,%.2f %.2f,%.2f %.2f,%.2f",
        left, bottom, (left + right) / 2, (top + bottom) / 2, right, top);
    assertEquals(expected, polyline(svg, 0).getAttribute("points"));
  }

  @Test
  void nonFinitePointsAreLeftOutAndNamesEscaped() throws Exception {
    String svg = SvgLineChart.render("<t>", "x", "y", List.of(
        new SvgLineChart.Series("a&b", new double[] {0, 1, 2}, new double[] {1, Double.NaN, 3})));
    assertEquals(2, polyline(svg, 0).getAttribute("points").split(" ").length);
    assertTrue(svg.contains("a&amp;b") && svg.contains("&lt;t&gt;"), svg);
  }

  @Test
  void aFlatSeriesIsCentredVertically() throws Exception {
    String svg = SvgLineChart.render("t", "x", "y",
        List.of(new SvgLineChart.Series("a", new double[] {0, 1}, new double[] {7, 7})));
    double middle = (SvgLineChart.TOP + SvgLineChart.HEIGHT - SvgLineChart.BOTTOM) / 2.0;
    String y = String.format(java.util.Locale.ROOT, "%.2f", middle);
    for (String point : polyline(svg, 0).getAttribute("points").split(" ")) {
      assertEquals(y, point.split(",")[1]);
    }
  }
}
