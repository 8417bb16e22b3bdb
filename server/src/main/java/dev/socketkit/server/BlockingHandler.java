package dev.socketkit.server;

/**
 * Serves one connection (or one datagram) with plain blocking code, as the Python tutorial's {@code SocketServer}
 * request handlers do: {@link #setup}, then {@link #handle}, then {@link #finish}, which is called even when the others
 * throw. The calls run off the event loop, on a virtual thread when the JVM has them (Java 21 and later) and otherwise on
 * a pool of worker threads that grows as needed, so a handler that blocks stalls only its own connection.
 *
 * <p>On a stream server, {@link Request#input()} reads the connection's bytes (frames as the framing cuts them, one
 * after another) until the peer shuts down its side, and each write to {@link Request#output()} is sent at once, as one
 * frame in a framed mode. The connection is closed, after pending writes, once {@code finish} returns. On a datagram
 * server each datagram is a request: the input holds the datagram, and whatever was written to the output is sent back
 * to its sender as one datagram after {@code finish}.
 *
 * <p>An exception from any of the three methods is logged once with the peer and closes that connection only; the
 * server goes on serving the others. One instance serves every connection, concurrently: keep per-connection state in
 * local variables or in {@link Request#attachment()}.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.defaults().withHandler(request -> {
 *     BufferedReader in = new BufferedReader(new InputStreamReader(request.input(), UTF_8));
 *     for (String line; (line = in.readLine()) != null; ) {
 *         request.output().write((line.toUpperCase() + "\n").getBytes(UTF_8));
 *     }
 * });
 * }</pre>
 */
@FunctionalInterface
public non-sealed interface BlockingHandler extends ServerHandler {
    /**
     * Called first, before {@link #handle}; does nothing by default.
     *
     * @param request the connection or datagram being served
     * @throws Exception to give up on the request: logged once with the peer, and the connection closed
     */
    default void setup(Request request) throws Exception {}

    /**
     * Serves the request: reads its input, writes to its output.
     *
     * @param request the connection or datagram being served
     * @throws Exception to give up on the request: logged once with the peer, and the connection closed
     */
    void handle(Request request) throws Exception;

    /**
     * Called last, whether or not {@link #setup} and {@link #handle} returned normally; does nothing by default.
     *
     * @param request the connection or datagram being served
     * @throws Exception logged once with the peer; the connection is closed either way
     */
    default void finish(Request request) throws Exception {}
}
