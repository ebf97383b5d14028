// Steer's JShell startup: the API imported. Load with
//   jshell --class-path CP --startup DEFAULT --startup steer-examples/src/main/jshell/steer.jsh
// (./steer jshell does this). A session: open a model, extract a vector, steer, measure:
//   var model = OnnxSteerableModel.open(Path.of("models/gpt2"));
//   var v = model.extract(List.of("I love this"), List.of("I hate this"), HookPoint.residPost(6),
//       ExtractionMethod.MEAN_DIFFERENCE, TokenPosition.LAST);
//   var plan = SteeringPlan.of(HookPoint.residPost(6), Additive.of(v, 8));
//   var g = model.generateCompared("I think", plan, GenerationConfig.greedy(20), Set.of());
//   g.steered().text()
//   DistributionShift.between(g.steeredLogits().get(0), g.unsteeredLogits().get(0))
//   model.close()
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
