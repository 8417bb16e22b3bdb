/**
 * JMH benchmarks of the framings' decoders and encoders. They live in the codec's package, not a package of their own,
 * so that they can reach what the codec keeps package-private.
 */
package dev.socketkit.codec;
