// Steer's JShell startup: the API imported. Load with
//   jshell --class-path CP --startup DEFAULT --startup steer-examples/src/main/jshell/steer.jsh
// (./steer jshell does this). A session on the shipped testbed (the test runs it; see session.jsh):
//   var model = Testbed.open();
//   var layer = Testbed.steeringLayer(model);
//   var red = Testbed.grammar().concept("red");
//   var v = ConceptVectors.extract(model, Testbed.grammar(), red,
//       ContrastivePrompts.pairs(Testbed.grammar(), red, 32, 1), layer, ExtractionMethod.MEAN_DIFFERENCE).unit();
//   var g = model.generateCompared("once upon a time ,", SteeringPlan.of(layer, SlerpTowards.of(v, 0.2)),
//       GenerationConfig.sampled(40, 1.0, 7), Set.of());
//   g.steered().text()
//   DistributionShift.between(g.steeredLogits().get(0), g.unsteeredLogits().get(0))
import dev.steer.hook.*;
import dev.steer.vector.*;
import dev.steer.intervention.*;
import dev.steer.plan.*;
import dev.steer.extract.*;
import dev.steer.io.*;
import dev.steer.onnx.*;
import dev.steer.onnx.runtime.*;
import dev.steer.onnx.generate.*;
import dev.steer.metrics.distribution.*;
import dev.steer.testbed.*;
System.out.println("Steer API imported. Try: var model = Testbed.open(); (the shipped model) or OnnxSteerableModel.open(Path.of(\"MODEL_DIR\"))  (/exit to leave)");
