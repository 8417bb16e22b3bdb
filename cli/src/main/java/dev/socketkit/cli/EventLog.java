package dev.socketkit.cli;

import dev.socketkit.relay.Direction;
import dev.socketkit.relay.Fault;
import dev.socketkit.relay.RelayListener;
import dev.socketkit.relay.RelayStats;
import dev.socketkit.server.ServerListener;
import dev.socketkit.server.ServerStats;
import dev.socketkit.transport.internal.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;

/**
 * {@code --events}: the relay's and serve's events as one JSON object a line, the one home of their names and keys.
 * The relay calls it as its {@link RelayListener}, a server through {@link #forServer()}; both on their event loops,
 * which must never wait on a file or a pipe, so each line goes to a bounded queue that a thread of its own writes and
 * flushes; when the queue is full (the file or pipe stalls) the event is dropped and counted, and a {@code dropped}
 * line with the count follows once the writer catches up. Traffic never waits for the log.
 */
final class EventLog implements RelayListener, AutoCloseable {
    /** Lines held for the writer at most: a few MiB, some seconds of a busy relay's events. */
    static final int QUEUE = 8192;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Writer out;
    private final String where;
    private final Thread writer;
    private volatile boolean closing;
    private volatile long droppedInAll; // written by the writer, read at close

    private EventLog(Writer out, String where) {
        this.out = out;
        this.where = where;
        this.writer = new Thread(this::write, "socketkit-events");
        writer.setDaemon(true);
    }

    /** {@code --events}'s label, and what its description says of the file in both commands. */
    static final String LABEL = "FILE|-";

    /** The end of {@code --events}'s description, the same in both commands. */
    static final String FILE_BEHAVIOUR = " to FILE (appended; created readable by its owner only) or, with -, to stdout"
            + " after the listening line. A file or pipe that does not keep up loses events (counted in a 'dropped'"
            + " line), never slows the traffic.";

    /**
     * {@code --events VALUE}: null without it, stdout for {@code -}, else the file, opened here (so, by the caller,
     * before anything is bound).
     *
     * @throws UsageException for an empty name, or a file that cannot be opened for appending
     */
    static EventLog open(String value, PrintWriter stdout) {
        if (value == null) {
            return null;
        }
        if (value.equals("-")) {
            return toStdout(stdout);
        }
        if (value.isBlank()) {
            throw new UsageException("--events '' names no file; accepted: a file to append to, or - for stdout");
        }
        return toFile(Path.of(value));
    }

    /** Events to stdout, after the listening line: {@link #start()} is called once that is written. */
    static EventLog toStdout(Writer stdout) {
        return new EventLog(stdout, "stdout");
    }

    /**
     * Events appended to {@code file}, created readable by its owner only (the events name every client's address).
     *
     * @throws UsageException if it cannot be opened for appending, naming it and why
     */
    static EventLog toFile(Path file) {
        try {
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException | UnsupportedOperationException exists) {
                // appended to as it is, with the permissions it has
            }
            Writer writer = new BufferedWriter(new OutputStreamWriter(
                    Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                    StandardCharsets.UTF_8));
            return new EventLog(writer, file.toString());
        } catch (IOException e) {
            throw new UsageException("--events " + file + ": cannot open it for appending: " + e.getMessage());
        }
    }

    /** Starts writing: before, events wait in the queue (so none comes before the listening line). */
    void start() {
        writer.start();
    }

    private void write() {
        try {
            while (!closing || !queue.isEmpty()) {
                String line = queue.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    out.write(line);
                    out.write('\n');
                }
                long lost = queue.size() < QUEUE / 2 ? dropped.getAndSet(0) : 0;
                if (lost > 0) {
                    droppedInAll += lost;
                    Map<String, Object> fields = fields("dropped");
                    fields.put("count", lost);
                    out.write(Json.write(fields));
                    out.write('\n');
                }
                if (line != null || lost > 0) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            LogManager.getLogger(EventLog.class).warn("--events: cannot write to {}: {}", where, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued (2 s at most: a stalled pipe does not hold the exit), then closes the file. */
    @Override
    public void close() {
        closing = true;
        if (writer.isAlive()) {
            try {
                writer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long lost = droppedInAll + dropped.get();
        if (lost > 0) {
            LogManager.getLogger(EventLog.class).warn("--events: {} events dropped: {} did not keep up", lost, where);
        }
        if (!writer.isAlive() && !where.equals("stdout")) {
            try {
                out.close();
            } catch (IOException e) {
                // nothing more to write to it
            }
        }
    }

    private static Map<String, Object> fields(String event) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event", event);
        fields.put("time", TIME.format(Instant.now()));
        return fields;
    }

    private void emit(Map<String, Object> fields) {
        if (!queue.offer(Json.write(fields))) {
            dropped.incrementAndGet();
        }
    }

    /** An address as the endpoints write it: {@code 127.0.0.1:8080}, {@code [::1]:8080}, a socket file's path. */
    static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress ip && ip.getAddress() != null) {
            String host = ip.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + ip.getPort();
        }
        return address == null ? "" : address.toString();
    }

    @Override
    public void connectionOpened(long number, SocketAddress client, SocketAddress target) {
        opened(number, client, "target", target);
    }

    @Override
    public void connectionClosed(long number, long bytesUpstream, long bytesDownstream, String end) {
        closed(number, bytesUpstream, bytesDownstream, end);
    }

    /** A stream connection {@code number} opened, from {@code client}, to the relay's target or the server. */
    private void opened(long number, SocketAddress client, String otherEnd, SocketAddress other) {
        Map<String, Object> fields = fields("open");
        fields.put("conn", number);
        fields.put("client", address(client));
        fields.put(otherEnd, address(other));
        emit(fields);
    }

    /** Stream connection {@code number} ended: {@code up}, the bytes from the client; {@code down}, to it. */
    private void closed(long number, long up, long down, String end) {
        Map<String, Object> fields = fields("close");
        fields.put("conn", number);
        traffic(fields, up, down);
        fields.put("end", end);
        emit(fields);
    }

    /** Traffic each way, in every line's keys: {@code up} from the clients, {@code down} to them. */
    private static void traffic(Map<String, Object> fields, long up, long down) {
        fields.put("up", up);
        fields.put("down", down);
    }

    /** Datagram traffic in {@code session_close}'s and {@code stopped}'s keys: datagrams each way, then their bytes. */
    private static void datagrams(Map<String, Object> fields, long up, long down, long upBytes, long downBytes) {
        traffic(fields, up, down);
        fields.put("up_bytes", upBytes);
        fields.put("down_bytes", downBytes);
    }

    /**
     * The one writer of the {@code stopped} line, for serve and the relay: {@code count} under {@code countKey} if
     * there is one (a datagram server counts no sessions), then what {@code totals} puts.
     */
    private void stopped(String countKey, long count, Consumer<Map<String, Object>> totals) {
        Map<String, Object> fields = fields("stopped");
        if (countKey != null) {
            fields.put(countKey, count);
        }
        totals.accept(fields);
        emit(fields);
    }

    /**
     * {@code serve --events}: a server's stream connections as the relay's ({@code open}, with the server's address of
     * it as {@code server}, and {@code close}); a datagram server has none, and only its {@link #stopped} line.
     */
    ServerListener forServer() {
        return new ServerListener() {
            @Override
            public void connectionOpened(long number, SocketAddress peer, SocketAddress local) {
                opened(number, peer, "server", local);
            }

            @Override
            public void connectionClosed(long number, long bytesIn, long bytesOut, String end) {
                closed(number, bytesIn, bytesOut, end);
            }
        };
    }

    /**
     * {@code serve}'s last line, once the server has stopped: its totals. A stream server's connections served (not
     * those refused over its limit), bytes from and to its clients; a datagram server's datagrams from and to them,
     * their bytes (the keys of the relay's {@code session_close}), and those its guards dropped. Not a line a datagram,
     * nor a source: a spoofed flood would make the log as large as the flood, and the queue would drop the lines that
     * matter.
     */
    void stopped(ServerStats stats, boolean datagram) {
        if (datagram) {
            stopped(null, 0, fields -> {
                datagrams(fields, stats.framesIn(), stats.framesOut(), stats.bytesIn(), stats.bytesOut());
                fields.put("dropped", stats.droppedDatagrams());
            });
        } else {
            stopped("conns", stats.acceptedConnections(), fields -> traffic(fields, stats.bytesIn(), stats.bytesOut()));
        }
    }

    /**
     * The relay's last line, once it has stopped (its last connections' or sessions' close events queued): its totals,
     * in serve's keys. A stream relay's connections joined to the target (those with an {@code open} line: not those
     * refused over its limit, whose target failed or whose client left first), bytes each way; a datagram relay's
     * sessions, datagrams each way and their bytes, as its {@code session_close} lines count them.
     */
    void stopped(RelayStats stats, boolean datagram) {
        if (datagram) {
            stopped(
                    "sessions",
                    stats.sessions(),
                    fields -> datagrams(
                            fields,
                            stats.datagramsUpstream(),
                            stats.datagramsDownstream(),
                            stats.bytesUpstream(),
                            stats.bytesDownstream()));
        } else {
            stopped(
                    "conns",
                    stats.joinedConnections(),
                    fields -> traffic(fields, stats.bytesUpstream(), stats.bytesDownstream()));
        }
    }

    @Override
    public void sessionOpened(long number, SocketAddress client) {
        Map<String, Object> fields = fields("session_open");
        fields.put("session", number);
        fields.put("client", address(client));
        emit(fields);
    }

    @Override
    public void sessionClosed(long number, SessionTotals totals, String end, Map<String, Long> faultHits) {
        Map<String, Object> fields = fields("session_close");
        fields.put("session", number);
        datagrams(
                fields,
                totals.datagramsUpstream(),
                totals.datagramsDownstream(),
                totals.bytesUpstream(),
                totals.bytesDownstream());
        fields.put("end", end);
        fields.put("faults", new LinkedHashMap<String, Object>(faultHits));
        emit(fields);
    }

    @Override
    public void faultApplied(long number, boolean datagram, Fault fault, Direction direction) {
        Map<String, Object> fields = fields("fault");
        fields.put(datagram ? "session" : "conn", number);
        fields.put("name", fault.name());
        fields.put("type", fault.type().id());
        fields.put("direction", direction.name().toLowerCase(Locale.ROOT));
        emit(fields);
    }
}
