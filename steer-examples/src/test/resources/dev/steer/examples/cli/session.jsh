var model = Testbed.open();
var layer = Testbed.steeringLayer(model);
var red = Testbed.grammar().concept("red");
var v = ConceptVectors.extract(model, Testbed.grammar(), red, ContrastivePrompts.pairs(Testbed.grammar(), red, 32, 1), layer, ExtractionMethod.MEAN_DIFFERENCE).unit();
var plan = SteeringPlan.of(layer, SlerpTowards.of(v, 0.2));
var g = model.generateCompared("once upon a time ,", plan, GenerationConfig.sampled(40, 1.0, 7), Set.of());
System.out.println("steered: " + g.steered().text());
System.out.println("concept: " + Testbed.judge().score("once upon a time ,", g.steered().text(), red).conceptScore());
System.out.println("KL at step 0: " + DistributionShift.between(g.steeredLogits().get(0), g.unsteeredLogits().get(0)).kl());
model.close();
/exit
