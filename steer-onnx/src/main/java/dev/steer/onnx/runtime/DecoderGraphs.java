package dev.steer.onnx.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.steer.onnx.graph.GraphMappingException;
import dev.steer.onnx.graph.ResidualStreamMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The decoder graphs of a model directory, each with its residual-stream map: the one that takes past
 * key/values (run for every step, and for the prefill of a {@link ModelDirectory.Layout#SINGLE} export),
 * and for split and merged exports the one without past that runs the prefill. A merged export is split
 * into the two by {@link MergedDecoderSplitter}; both graphs are rewritten with the same plan, so their
 * maps must expose the same hook points.
 *
 * @param withPast the decoder that takes {@code past_key_values.*}
 * @param withPastMap its map
 * @param noPast the decoder without past, if the layout has one
 * @param noPastMap its map (present iff {@code noPast} is)
 * @param weightsFolder where the graphs' external data files live
 * @param io the input and output names the graphs use
 */
record DecoderGraphs(ModelProto withPast, ResidualStreamMap withPastMap, Optional<ModelProto> noPast,
    Optional<ResidualStreamMap> noPastMap, Path weightsFolder, DecoderIo io) {

  static DecoderGraphs load(ModelDirectory dir) throws ModelLoadException {
    Path folder = dir.graph().toAbsolutePath().getParent();
    ModelProto first = parse(dir.graph());
    switch (dir.layout()) {
      case SINGLE -> {
        DecoderIo io = dir.io().matching(inputNames(first));
        checkPresents(io, first, first, dir.graph());
        return new DecoderGraphs(first, map(first, dir.graph()), Optional.empty(), Optional.empty(), folder, io);
      }
      case SPLIT -> {
        Path withPastFile = dir.withPastGraph().orElseThrow();
        if (!withPastFile.toAbsolutePath().getParent().equals(folder)) {
          throw new ModelLoadException(withPastFile + " must sit beside " + dir.graph());
        }
        ModelProto withPast = parse(withPastFile);
        return paired(dir.io(), withPast, withPastFile, first, dir.graph(), folder);
      }
      case MERGED -> {
        MergedDecoderSplitter.Split split = MergedDecoderSplitter.split(first, dir.graph());
        return paired(dir.io(), split.withPast(), dir.graph().resolveSibling(dir.graph().getFileName() + " (with past)"),
            split.noPast(), dir.graph().resolveSibling(dir.graph().getFileName() + " (without past)"), folder);
      }
      default -> throw new AssertionError(dir.layout());
    }
  }

  private static DecoderGraphs paired(DecoderIo declared, ModelProto withPast, Path withPastName,
      ModelProto noPast, Path noPastName, Path folder) throws ModelLoadException {
    DecoderIo io = declared.matching(inputNames(withPast));
    ResidualStreamMap withMap = map(withPast, withPastName);
    ResidualStreamMap noMap = map(noPast, noPastName);
    if (withMap.layers() != noMap.layers() || withMap.hiddenSize() != noMap.hiddenSize()
        || !withMap.hookPoints().equals(noMap.hookPoints())) {
      throw new ModelLoadException(noPastName + " and " + withPastName + " disagree: " + noMap.layers()
          + " blocks of width " + noMap.hiddenSize() + " exposing " + noMap.hookPoints() + " versus "
          + withMap.layers() + " blocks of width " + withMap.hiddenSize() + " exposing " + withMap.hookPoints());
    }
    checkPresents(io, withPast, withPast, withPastName);
    checkPresents(io, withPast, noPast, noPastName);
    return new DecoderGraphs(withPast, withMap, Optional.of(noPast), Optional.of(noMap), folder, io);
  }

  /**
   * {@code graph} must write the present output for every past input of {@code withPast} (present.N.key
   * and present.N.value, or present_N for a packed cache): the cache the decoder feeds back. Checked at
   * load, since otherwise generation fails at its first step.
   */
  private static void checkPresents(DecoderIo io, ModelProto withPast, ModelProto graph, Path name)
      throws ModelLoadException {
    Set<String> outputs = new HashSet<>();
    graph.getGraph().getOutputList().forEach(o -> outputs.add(o.getName()));
    for (String present : io.presentNames(inputNames(withPast))) {
      if (!outputs.contains(present)) {
        throw new ModelLoadException(name + " has no output " + present + "; a decoder writes the present"
            + " output (" + io.presentKey() + io.presentValue().map(v -> ", " + v).orElse("")
            + ") for every past input (" + io.cacheForm() + ")");
      }
    }
  }

  static Set<String> inputNames(ModelProto model) {
    return model.getGraph().getInputList().stream().map(i -> i.getName()).collect(Collectors.toSet());
  }

  private static ModelProto parse(Path file) throws ModelLoadException {
    try {
      return ModelProto.parseFrom(Files.readAllBytes(file));
    } catch (InvalidProtocolBufferException e) {
      throw new ModelLoadException(file + " is not a valid ONNX model: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static ResidualStreamMap map(ModelProto proto, Path file) throws ModelLoadException {
    try {
      return ResidualStreamMap.discover(proto);
    } catch (GraphMappingException e) {
      throw new ModelLoadException(file + ": " + e.getMessage(), e);
    }
  }
}
