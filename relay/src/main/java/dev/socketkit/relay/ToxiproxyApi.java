package dev.socketkit.relay;

import com.sun.net.httpserver.HttpExchange;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.internal.Json;
import dev.socketkit.transport.internal.LogThrottle;
import dev.socketkit.transport.internal.SmallHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Toxiproxy's HTTP API, served by socketkit, so that Toxiproxy's clients (its Java client, the one Testcontainers
 * uses; its Go client; plain {@code curl}) drive socketkit relays unchanged. Each proxy is a {@link Relay} and each
 * toxic a {@link Fault}, with Toxiproxy's JSON shapes, defaults, units, status codes and error bodies ({@code
 * {"error": "proxy not found", "status": 404}}).
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><th>request</th><th>answer</th></tr>
 *   <tr><td>{@code GET /proxies}</td><td>200, every proxy by name, with its toxics</td></tr>
 *   <tr><td>{@code POST /proxies}</td><td>201, the proxy made from {@code name}, {@code listen}, {@code upstream},
 *       {@code enabled} (default true); 409 if the name is taken</td></tr>
 *   <tr><td>{@code POST /populate}</td><td>201, {@code {"proxies": [...]}}: each proxy of the array made, or kept if
 *       it is there with the same listen and upstream, or replaced</td></tr>
 *   <tr><td>{@code GET /proxies/{proxy}}</td><td>200, the proxy with its toxics</td></tr>
 *   <tr><td>{@code POST} or {@code PATCH /proxies/{proxy}}</td><td>200: {@code listen}, {@code upstream} (a change
 *       restarts the proxy there), {@code enabled} ({@code false} closes its listener and its connections)</td></tr>
 *   <tr><td>{@code DELETE /proxies/{proxy}}</td><td>204</td></tr>
 *   <tr><td>{@code GET /proxies/{proxy}/toxics}</td><td>200, its toxics</td></tr>
 *   <tr><td>{@code POST /proxies/{proxy}/toxics}</td><td>200, the toxic made from {@code type}, {@code stream}
 *       (default downstream), {@code name} (default {@code TYPE_STREAM}), {@code toxicity} (default 1), {@code
 *       attributes}; 409 if the name is taken</td></tr>
 *   <tr><td>{@code GET /proxies/{proxy}/toxics/{toxic}}</td><td>200, the toxic</td></tr>
 *   <tr><td>{@code POST} or {@code PATCH /proxies/{proxy}/toxics/{toxic}}</td><td>200: the {@code attributes} given
 *       and {@code toxicity} change</td></tr>
 *   <tr><td>{@code DELETE /proxies/{proxy}/toxics/{toxic}}</td><td>204</td></tr>
 *   <tr><td>{@code POST /reset}</td><td>204: every toxic removed, every proxy enabled</td></tr>
 *   <tr><td>{@code GET /version}</td><td>200, {@code {"version": "socketkit ..."}}</td></tr>
 * </table>
 *
 * <p>An unknown proxy or toxic is a 404, a bad body a 400, an unknown path a 404, a method a path does not take a 405.
 * A proxy's {@code listen} and {@code upstream} are Toxiproxy's {@code HOST:PORT} or any socketkit endpoint ({@code
 * unix:///run/app.sock}, {@code udp://127.0.0.1:9000}); a listen left out is {@code 127.0.0.1:0}, any free port on
 * loopback, shown with its real port once it listens.
 *
 * <p>The API can break any traffic it relays, so it is bound where only trusted clients reach it, loopback unless
 * told otherwise. Against a hostile client: a body is read up to {@value #MAX_BODY_BYTES} bytes (a longer one is a
 * 413 without being read), nested at most {@value Json#MAX_DEPTH} deep; there are at most {@value #MAX_PROXIES}
 * proxies and {@value #MAX_TOXICS} toxics a proxy; a request whose {@code User-Agent} starts with {@code Mozilla/}
 * (a browser, which a web page could make post to a loopback port) is refused with a 403, as Toxiproxy does; and the
 * limits of {@link SmallHttpServer} hold. A failure is answered in Toxiproxy's error shape, never with a stack trace.
 */
public final class ToxiproxyApi implements AutoCloseable {
    /** Toxiproxy's port, where {@code socketkit toxiproxy} listens unless told otherwise. */
    public static final int DEFAULT_PORT = 8474;

    /** The largest request body read. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    /** The most proxies at once: each holds a listening socket and an event-loop thread. */
    public static final int MAX_PROXIES = 256;

    /** The most toxics a proxy holds. */
    public static final int MAX_TOXICS = 64;

    private static final Logger LOG = LogManager.getLogger(ToxiproxyApi.class);
    /** The API's own failures (an answer of 500), logged at most once a second. */
    private final LogThrottle internalErrors = new LogThrottle();

    private static final int THREADS = 2;
    private static final String JSON = "application/json";
    private static final String PROXIES = "proxies";
    private static final String TOXICS = "toxics";

    private final Object lock = new Object();
    private final Map<String, ApiProxy> proxies = new LinkedHashMap<>(); // guarded by lock
    private final long seed;
    private final String version;
    private SmallHttpServer http;

    private ToxiproxyApi(long seed) {
        this.seed = seed;
        this.version = "socketkit " + version();
    }

    /**
     * Binds {@code address} and starts answering, with no proxies until a client creates them; random choices (jitter,
     * toxicity) come from a random seed.
     *
     * @param address where to listen; port 0 for any free port
     * @return the running API; close it to stop it and every proxy
     * @throws IOException if the address cannot be bound
     */
    public static ToxiproxyApi start(InetSocketAddress address) throws IOException {
        return start(address, ThreadLocalRandom.current().nextLong());
    }

    /**
     * Binds {@code address} and starts answering, with no proxies until a client creates them.
     *
     * @param address where to listen; port 0 for any free port
     * @param seed what every proxy's random choices (jitter, slice sizes, toxicity) derive from: the same seed, the
     *     same choices
     * @return the running API; close it to stop it and every proxy
     * @throws IOException if the address cannot be bound
     */
    public static ToxiproxyApi start(InetSocketAddress address, long seed) throws IOException {
        Objects.requireNonNull(address, "address");
        ToxiproxyApi api = new ToxiproxyApi(seed);
        api.http = SmallHttpServer.start(address, "socketkit-toxiproxy", THREADS, api::answer);
        return api;
    }

    /** {@return where the API listens, with the real port when port 0 was asked for} */
    public InetSocketAddress address() {
        return http.address();
    }

    /**
     * Adds a relay made outside the API as a proxy of it, which the API can then break, disable, move and delete like
     * its own: {@code socketkit relay --api}. The relay is started here, with its configuration's faults as the proxy's
     * first toxics, seeded by its seed or else by the API's.
     *
     * @param name the proxy's name
     * @param config the relay's configuration
     * @return the running relay; the API closes it when the proxy is disabled or deleted, or the API closed
     * @throws IllegalArgumentException if the name is taken or is not one the API's paths can address, or the
     *     configuration cannot work anywhere
     * @throws RelayException if the relay cannot start
     */
    public Relay add(String name, RelayConfig config) {
        Objects.requireNonNull(config, "config");
        synchronized (lock) {
            checkName(name);
            if (proxies.containsKey(name)) {
                throw new IllegalArgumentException("a proxy named '" + name + "' is already there");
            }
            Endpoint listen = config.listen();
            boolean uriForm = listen.kind() != SocketKind.TCP || listen.isTls();
            ApiProxy proxy = new ApiProxy(
                    name,
                    config,
                    uriForm,
                    config.target().toString(),
                    config.seed().orElse(seed));
            Relay relay = proxy.start();
            proxies.put(name, proxy);
            return relay;
        }
    }

    /** Stops answering, then stops every proxy; closing again does nothing. */
    @Override
    public void close() {
        http.close();
        synchronized (lock) {
            proxies.values().forEach(ApiProxy::disable);
            proxies.clear();
        }
    }

    @Override
    public String toString() {
        return "Toxiproxy API on " + address();
    }

    private void answer(HttpExchange exchange) {
        try (exchange) {
            Answer answer;
            try {
                answer = route(exchange);
            } catch (ApiError e) {
                answer = error(e.status(), e.getMessage());
            } catch (RuntimeException e) {
                // A failure of ours, not the client's: worth a WARN, but at most one a second, whatever a client sends.
                String more = internalErrors.admit();
                if (more != null) {
                    LOG.warn("{} {}: {}{}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), more);
                }
                LOG.debug("the API's failure", e);
                answer = error(500, String.valueOf(e.getMessage()));
            }
            if (answer.allow != null) {
                exchange.getResponseHeaders().set("Allow", answer.allow);
            }
            byte[] body = answer.body == null ? new byte[0] : answer.body.getBytes(StandardCharsets.UTF_8);
            SmallHttpServer.send(exchange, answer.status, answer.type, body);
        } catch (IOException | UncheckedIOException gone) {
            LOG.debug("{} {}: the client went: {}", exchange.getRequestMethod(), exchange.getRequestURI(), gone);
        }
    }

    /** What one request is answered with: a status, a body (null for none), its type, and an {@code Allow} header. */
    private record Answer(int status, String body, String type, String allow) {}

    private static Answer json(int status, Object value) {
        return new Answer(status, Json.write(value), JSON, null);
    }

    private static Answer empty() {
        return new Answer(204, null, JSON, null);
    }

    private static Answer error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        return new Answer(status, Json.write(body) + "\n", JSON, null);
    }

    private Answer route(HttpExchange exchange) throws IOException {
        String agent = exchange.getRequestHeaders().getFirst("User-Agent");
        if (agent != null && agent.startsWith("Mozilla/")) {
            return new Answer(403, "User agent not allowed\n", "text/plain; charset=utf-8", null);
        }
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        String method = exchange.getRequestMethod();
        int n = path.size();
        if (n == 1 && path.get(0).equals("version")) {
            return only(
                    method,
                    "GET",
                    () -> new Answer(
                            200,
                            "{\"version\": " + Json.write(version) + "}\n",
                            "application/json;charset=utf-8",
                            null));
        }
        if (n == 1 && path.get(0).equals("reset")) {
            return only(method, "POST", this::reset);
        }
        if (n == 1 && path.get(0).equals("populate")) {
            return only(method, "POST", () -> populate(body(exchange)));
        }
        if (n == 0
                || !path.get(0).equals(PROXIES)
                || n > 4
                || (n >= 3 && !path.get(2).equals(TOXICS))) {
            return error(404, "not found: " + exchange.getRequestURI().getRawPath());
        }
        synchronized (lock) {
            if (n == 1) {
                return switch (method) {
                    case "GET" -> json(200, index());
                    case "POST" -> json(201, create(object(body(exchange))).toApi());
                    default -> notAllowed("GET, POST");
                };
            }
            String name = path.get(1);
            if (n == 2) {
                return switch (method) {
                    case "GET" -> json(200, proxy(name).toApi());
                    case "POST", "PATCH" -> json(200, update(proxy(name), object(body(exchange))));
                    case "DELETE" -> delete(name);
                    default -> notAllowed("GET, POST, PATCH, DELETE");
                };
            }
            ApiProxy proxy = proxy(name);
            if (n == 3) {
                return switch (method) {
                    case "GET" -> json(200, proxy.toxics());
                    case "POST" -> json(200, addToxic(proxy, object(body(exchange))));
                    default -> notAllowed("GET, POST");
                };
            }
            String toxic = path.get(3);
            return switch (method) {
                case "GET" -> json(200, ToxicJson.toApi(toxic(proxy, toxic)));
                case "POST", "PATCH" -> json(200, updateToxic(proxy, toxic, object(body(exchange))));
                case "DELETE" -> {
                    toxic(proxy, toxic);
                    proxy.remove(toxic);
                    yield empty();
                }
                default -> notAllowed("GET, POST, PATCH, DELETE");
            };
        }
    }

    private interface Route {
        Answer answer() throws IOException;
    }

    private static Answer only(String method, String allowed, Route route) throws IOException {
        return method.equals(allowed) ? route.answer() : notAllowed(allowed);
    }

    private static Answer notAllowed(String allow) {
        Answer refusal = error(405, "method not allowed: use " + allow);
        return new Answer(refusal.status, refusal.body, refusal.type, allow);
    }

    /** The path's segments, each decoded: a name may hold any character but {@code /}, written {@code %xx}. */
    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/", -1)) {
            if (!segment.isEmpty()) {
                segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            } else if (!segments.isEmpty()) {
                segments.add(""); // "/proxies/" is not "/proxies": Toxiproxy's router tells them apart too.
            }
        }
        return segments;
    }

    /** Reads the request body, {@value #MAX_BODY_BYTES} bytes at most, as strict UTF-8. */
    private static String body(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.strip().length() > 9 || length != null && parse(length) > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badBody("not UTF-8");
        }
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return 0; // The JDK's server has refused a bad Content-Length before a handler runs.
        }
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "request body too large: at most " + MAX_BODY_BYTES + " bytes");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String body) {
        Object value = parseJson(body);
        if (!(value instanceof Map)) {
            throw ApiError.badBody("expected a JSON object");
        }
        return (Map<String, Object>) value;
    }

    private static Object parseJson(String body) {
        if (body.isBlank()) {
            throw ApiError.badBody("EOF");
        }
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw ApiError.badBody(e.getMessage());
        }
    }

    private Map<String, Object> index() {
        Map<String, Object> all = new LinkedHashMap<>();
        proxies.forEach((name, proxy) -> all.put(name, proxy.toApi()));
        return all;
    }

    private ApiProxy proxy(String name) {
        ApiProxy proxy = proxies.get(name);
        if (proxy == null) {
            throw ApiError.proxyNotFound();
        }
        return proxy;
    }

    private static Fault toxic(ApiProxy proxy, String name) {
        return proxy.toxic(name).orElseThrow(ApiError::toxicNotFound);
    }

    private ApiProxy create(Map<String, Object> body) {
        String name = text(body, "name");
        String upstream = text(body, "upstream");
        if (name.isEmpty()) {
            throw ApiError.missingField("name");
        }
        if (upstream.isEmpty()) {
            throw ApiError.missingField("upstream");
        }
        checkApiName(name);
        if (proxies.containsKey(name)) {
            throw ApiError.proxyExists();
        }
        if (proxies.size() >= MAX_PROXIES) {
            throw new ApiError(400, "too many proxies: at most " + MAX_PROXIES);
        }
        ApiProxy proxy = ApiProxy.of(name, text(body, "listen"), upstream, seed);
        if (flag(body, "enabled", true)) {
            proxy.enable();
        }
        proxies.put(name, proxy);
        return proxy;
    }

    private static Map<String, Object> update(ApiProxy proxy, Map<String, Object> body) {
        String listen = body.get("listen") == null ? null : text(body, "listen");
        String upstream = body.get("upstream") == null ? null : text(body, "upstream");
        Boolean enabled = body.get("enabled") == null ? null : flag(body, "enabled", true);
        proxy.update(listen, upstream, enabled);
        return proxy.toApi();
    }

    private Answer delete(String name) {
        proxy(name).disable();
        proxies.remove(name);
        LOG.info("proxy {}: deleted", name);
        return empty();
    }

    private static Map<String, Object> addToxic(ApiProxy proxy, Map<String, Object> body) {
        Fault fault = ToxicJson.create(body, taken -> proxy.toxic(taken).isPresent());
        if (proxy.toxicCount() >= MAX_TOXICS) {
            throw new ApiError(400, "too many toxics: at most " + MAX_TOXICS + " a proxy");
        }
        proxy.add(fault);
        return ToxicJson.toApi(fault);
    }

    private static Map<String, Object> updateToxic(ApiProxy proxy, String name, Map<String, Object> body) {
        Fault updated = ToxicJson.update(toxic(proxy, name), body);
        proxy.replace(updated);
        return ToxicJson.toApi(updated);
    }

    private Answer reset() {
        synchronized (lock) {
            for (ApiProxy proxy : proxies.values()) {
                proxy.clear();
                proxy.enable();
            }
        }
        return empty();
    }

    /**
     * Toxiproxy's {@code /populate}: every entry is checked before any proxy is touched; then each is made, kept when
     * one of its name listens and forwards as asked already, or replaced.
     */
    private Answer populate(String body) {
        Object value = parseJson(body);
        if (!(value instanceof List<?> entries)) {
            throw ApiError.badBody("expected a JSON array of proxies");
        }
        List<Map<String, Object>> wanted = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw ApiError.badBody("proxy " + (i + 1) + " is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> proxy = (Map<String, Object>) entry;
            if (text(proxy, "name").isEmpty()) {
                throw ApiError.missingField("name at proxy " + (i + 1));
            }
            if (text(proxy, "upstream").isEmpty()) {
                throw ApiError.missingField("upstream at proxy " + (i + 1));
            }
            checkApiName(text(proxy, "name"));
            wanted.add(proxy);
        }
        List<Object> done = new ArrayList<>();
        synchronized (lock) {
            for (Map<String, Object> entry : wanted) {
                String name = text(entry, "name");
                ApiProxy existing = proxies.get(name);
                if (existing != null
                        && existing.upstream().equals(text(entry, "upstream"))
                        && (text(entry, "listen").isEmpty() || existing.listens(text(entry, "listen")))) {
                    done.add(existing.toApi());
                    continue;
                }
                try {
                    if (existing != null) {
                        existing.disable();
                        proxies.remove(name);
                    }
                    done.add(create(entry).toApi());
                } catch (ApiError e) {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("error", e.getMessage());
                    answer.put("status", e.status());
                    answer.put(PROXIES, done);
                    return json(e.status(), answer);
                }
            }
        }
        return json(201, Map.of(PROXIES, done));
    }

    private static String text(Map<String, Object> body, String field) {
        return ToxicJson.string(body, field, "");
    }

    private static boolean flag(Map<String, Object> body, String field, boolean absent) {
        Object value = body.get(field);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof Boolean yes)) {
            throw ApiError.badBody(field + " must be true or false");
        }
        return yes;
    }

    private static void checkApiName(String name) {
        try {
            checkName(name);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
    }

    /** A name the API's paths can address: not blank, no {@code /}, no control character. */
    private static void checkName(String name) {
        if (name.isBlank() || name.chars().anyMatch(c -> c == '/' || c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("proxy name '" + name
                    + "' is not accepted: a name is not blank and has no '/' or control character");
        }
    }

    /** The version of the relay's jar, from the descriptor Maven puts in it; {@code dev} when run from classes. */
    private static String version() {
        try (InputStream in = ToxiproxyApi.class.getResourceAsStream(
                "/META-INF/maven/dev.socketkit/socketkit-relay/pom.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
