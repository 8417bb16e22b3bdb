/**
 * How a byte stream is cut into frames and how frames are written back, the same for socketkit's servers and clients.
 *
 * <p>{@link dev.socketkit.codec.Framing} describes one of five framings and installs its decoder and encoder in a
 * pipeline:
 *
 * <pre>
 * raw        each read is a frame                     abcdefgh            -&gt; "abcdefgh" (as the reads fall)
 * line       up to and including \n (or \r\n)         one\r\ntwo\n        -&gt; "one\r\n", "two\n"
 * delimiter  up to and including the delimiter        a|b|   (with "|")   -&gt; "a|", "b|"
 * length     N-byte big-endian length, then payload   00 03 'a' 'b' 'c'   -&gt; "abc"
 * fixed      exactly N bytes                          abcdef (N = 3)      -&gt; "abc", "def"
 * </pre>
 *
 * Line and delimiter frames keep their terminator, so an echo is byte-exact; the encoder adds one only to a message
 * that lacks it. Length frames lose their prefix on the way in and get it back on the way out. Fixed-size output is
 * padded with zero bytes to a whole number of frames. Bytes left over when the peer closes its side are handed on as
 * a last, short frame, so nothing a peer sent is dropped.
 *
 * <p>{@link dev.socketkit.codec.ProxyProtocol} is HAProxy's PROXY protocol: the header, v1 text or v2 binary ({@link
 * dev.socketkit.codec.ProxyVersion}), that a proxy sends before a connection's first byte to name the real client. It
 * decodes the header at the front of a server's pipeline (through Netty's {@code codec-haproxy}), gives handlers the
 * client's address, and writes the header at the front of a client's.
 */
package dev.socketkit.codec;
