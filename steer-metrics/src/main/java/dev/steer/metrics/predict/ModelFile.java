package dev.steer.metrics.predict;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * The file format of the predictors (big-endian, {@link DataOutputStream}): magic {@code "steer-gbdt"},
 * version 1, kind, feature count n and n names, n means, n standard deviations, the chosen
 * hyper-parameters and their validation score, then the XGBoost model in UBJSON (length-prefixed). Counts are bounded and checked
 * against the file size so that a corrupt file fails with an {@link IOException}, not an OOM.
 */
final class ModelFile {

  private static final String MAGIC = "steer-gbdt";
  private static final int VERSION = 1;
  private static final int MAX_FEATURES = 1_000_000;

  record Contents(
      String kind, List<String> names, Standardizer scaler, HyperParameters hp, double score, Booster booster) {}

  private ModelFile() {}

  static void write(Path file, String kind, List<String> names, Standardizer scaler, HyperParameters hp,
      double score, Booster booster) throws IOException {
    byte[] model = Gbdt.toBytes(booster);
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeUTF(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(kind);
      out.writeInt(names.size());
      for (String n : names) {
        out.writeUTF(n);
      }
      for (double m : scaler.means) {
        out.writeDouble(m);
      }
      for (double s : scaler.stds) {
        out.writeDouble(s);
      }
      out.writeBoolean(hp.linear());
      out.writeInt(hp.maxDepth());
      out.writeDouble(hp.eta());
      out.writeInt(hp.rounds());
      out.writeDouble(hp.lambda());
      out.writeDouble(score);
      out.writeInt(model.length);
      out.write(model);
    }
  }

  static Contents read(Path file, String expectedKind) throws IOException {
    long size = Files.size(file);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      String magic = in.readUTF();
      if (!MAGIC.equals(magic)) {
        throw new IOException(file + " is not a steer predictor file (magic '" + magic + "')");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IOException(file + " has format version " + version + "; this library reads " + VERSION);
      }
      String kind = in.readUTF();
      if (!kind.equals(expectedKind)) {
        throw new IOException(file + " holds a " + kind + ", not a " + expectedKind);
      }
      int n = in.readInt();
      if (n < 1 || n > MAX_FEATURES || 16L * n > size) {
        throw new IOException(file + " declares " + n + " features, impossible for a file of " + size + " bytes");
      }
      List<String> names = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        names.add(in.readUTF());
      }
      double[] means = new double[n];
      double[] stds = new double[n];
      for (int i = 0; i < n; i++) {
        means[i] = in.readDouble();
      }
      for (int i = 0; i < n; i++) {
        stds[i] = in.readDouble();
      }
      HyperParameters hp;
      try {
        hp = new HyperParameters(in.readBoolean(), in.readInt(), in.readDouble(), in.readInt(), in.readDouble());
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": corrupt hyper-parameters: " + e.getMessage(), e);
      }
      double score = in.readDouble();
      int length = in.readInt();
      if (length < 1 || length > size) {
        throw new IOException(file + " declares a model of " + length + " bytes in a file of " + size);
      }
      byte[] model = new byte[length];
      in.readFully(model);
      return new Contents(kind, names, new Standardizer(means, stds), hp, score, Gbdt.fromBytes(model, file.toString()));
    } catch (EOFException e) {
      throw new IOException(file + " is truncated", e);
    }
  }
}
