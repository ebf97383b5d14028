var model = OnnxSteerableModel.open(Path.of("MODEL_DIR"));
var layer = HookPoint.residPost(1);
var v = model.extract(List.of("w1 w2 w3", "w1 w4 w5"), List.of("w8 w2 w3", "w8 w4 w5"), layer, ExtractionMethod.MEAN_DIFFERENCE, TokenPosition.LAST);
var plan = SteeringPlan.of(layer, Additive.of(v, 8));
var g = model.generateCompared("w3 w14", plan, GenerationConfig.greedy(8), Set.of());
System.out.println("steered: " + g.steered().text());
System.out.println("unsteered: " + model.generate("w3 w14", SteeringPlan.empty(), GenerationConfig.greedy(8)).text());
System.out.println("KL at step 0: " + DistributionShift.between(g.steeredLogits().get(0), g.unsteeredLogits().get(0)).kl());
model.close();
/exit
