package dev.socketkit.transport.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server on the JDK's {@code com.sun.net.httpserver}, for socketkit's control ports (the health port, the
 * Toxiproxy-style API): a few threads of its own, daemon ones, and the JDK server's limits set against a peer that
 * trickles or floods.
 *
 * <p>The JDK's server reads its limits from system properties, once per JVM, when its first server starts; so they are
 * set here, in one place, for every such server a JVM runs: {@link #start} sets those not set already, so that a
 * request must arrive whole within {@value #REQUEST_SECONDS} s and its answer be taken within as long ({@code
 * sun.net.httpserver.maxReqTime}, {@code maxRspTime}), with at most {@value #MAX_HEADER_BYTES} bytes of headers ({@code
 * sun.net.httpserver.maxReqHeaderSize}), and at most {@value #MAX_CONNECTIONS} connections open ({@code
 * jdk.httpserver.maxConnections}; more are closed as they come). A JVM that started a JDK HTTP server before keeps the
 * limits it read then. The JDK's server does not bound a request's body: a handler that reads one bounds it itself.
 */
public final class SmallHttpServer implements AutoCloseable {
    /** How long a request may take to arrive, and its answer to be taken, in seconds. */
    public static final int REQUEST_SECONDS = 5;

    /** The most bytes of request headers. */
    public static final int MAX_HEADER_BYTES = 8192;

    /** The most connections open at once. */
    public static final int MAX_CONNECTIONS = 32;

    private final HttpServer http;
    private final ExecutorService threads;

    private SmallHttpServer(HttpServer http, ExecutorService threads) {
        this.http = http;
        this.threads = threads;
    }

    /**
     * Binds {@code address} and starts answering every path with {@code handler}.
     *
     * @param address where to listen; port 0 for any free port
     * @param threadName the threads' names, numbered from 1: {@code socketkit-health-1}
     * @param threadCount how many requests are answered at once
     * @param handler answers every request
     * @return the running server; close it to stop it
     * @throws IOException if the address cannot be bound (in use, not an address of this machine, permission denied)
     */
    public static SmallHttpServer start(
            InetSocketAddress address, String threadName, int threadCount, HttpHandler handler) throws IOException {
        limit("sun.net.httpserver.maxReqTime", REQUEST_SECONDS);
        limit("sun.net.httpserver.maxRspTime", REQUEST_SECONDS);
        limit("sun.net.httpserver.maxReqHeaderSize", MAX_HEADER_BYTES);
        limit("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
        HttpServer http = HttpServer.create(address, MAX_CONNECTIONS);
        AtomicInteger count = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(threadCount, task -> {
            Thread thread = new Thread(task, threadName + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        http.createContext("/", handler);
        http.setExecutor(threads);
        http.start();
        return new SmallHttpServer(http, threads);
    }

    /** Sets a limit of the JDK's HTTP server unless the JVM was given one. */
    private static void limit(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    /** {@return where the server listens, with the real port when port 0 was asked for} */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /**
     * Sends a whole answer: status, {@code Content-Type} and body; a body of no bytes is sent as none (204, 304).
     *
     * @param exchange the request being answered
     * @param status the HTTP status
     * @param type the body's media type
     * @param body the body's bytes
     * @throws IOException if the peer has gone
     */
    public static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        if (body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops listening and answering at once; closing again does nothing. */
    @Override
    public void close() {
        if (!threads.isShutdown()) {
            http.stop(0);
            threads.shutdownNow();
            try {
                threads.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
