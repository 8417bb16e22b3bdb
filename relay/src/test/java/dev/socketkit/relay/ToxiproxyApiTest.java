package dev.socketkit.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.internal.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's shapes, defaults and refusals that Toxiproxy's Java client does not reach, over plain HTTP: PATCH, a
 * toxic's defaults and toxicity, bad and oversized bodies, a browser's request, a method a path does not take, and a
 * proxy on a socket kind Toxiproxy has not (a Unix socket).
 */
@Timeout(30)
class ToxiproxyApiTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Server echo;
    private ToxiproxyApi api;

    @BeforeEach
    void start() throws IOException {
        echo = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.tcp("127.0.0.1", 0)));
        api = ToxiproxyApi.start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        api.close();
        echo.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.address().getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(HttpResponse<String> response) {
        return (Map<String, Object>) Json.parse(response.body());
    }

    private static void assertError(int status, String message, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(Map.of("error", message, "status", new BigDecimal(status)), object(response));
    }

    private static void assertErrorStartsWith(int status, String start, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        Map<String, Object> error = object(response);
        assertTrue(error.get("error").toString().startsWith(start), response.body());
        assertEquals(new BigDecimal(status), error.get("status"));
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
    }

    private void createEcho() throws Exception {
        String body = "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:"
                + echo.endpoint().port() + "\"}";
        assertEquals(201, send("POST", "/proxies", body).statusCode());
    }

    @Test
    void versionIsToxiproxysShape() throws Exception {
        HttpResponse<String> response = send("GET", "/version", null);
        assertEquals(200, response.statusCode());
        assertEquals(
                "application/json;charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(object(response).get("version").toString().startsWith("socketkit "), response.body());
    }

    @Test
    void aToxicTakesToxiproxysDefaultsAndItsToxicityChangesAlone() throws Exception {
        createEcho();
        HttpResponse<String> created = send("POST", "/proxies/echo/toxics", "{\"type\":\"latency\"}");
        assertEquals(200, created.statusCode(), created.body());
        assertEquals(
                "{\"attributes\":{\"latency\":0,\"jitter\":0},\"name\":\"latency_downstream\",\"type\":\"latency\","
                        + "\"stream\":\"downstream\",\"toxicity\":1}",
                created.body());
        HttpResponse<String> patched = send(
                "PATCH",
                "/proxies/echo/toxics/latency_downstream",
                "{\"attributes\":{\"latency\":30},\"toxicity\":0.5}");
        assertEquals(200, patched.statusCode(), patched.body());
        Map<String, Object> toxic = object(patched);
        assertEquals(Map.of("latency", new BigDecimal(30), "jitter", BigDecimal.ZERO), toxic.get("attributes"));
        assertEquals(new BigDecimal("0.5"), toxic.get("toxicity"));
        HttpResponse<String> again =
                send("POST", "/proxies/echo/toxics/latency_downstream", "{\"attributes\":{\"jitter\":5}}");
        Map<String, Object> kept = object(again);
        assertEquals(Map.of("latency", new BigDecimal(30), "jitter", new BigDecimal(5)), kept.get("attributes"));
        assertEquals(new BigDecimal("0.5"), kept.get("toxicity"), "a toxicity left out is kept");
        Map<String, Object> proxy = object(send("GET", "/proxies/echo", null));
        assertEquals(List.of(kept), proxy.get("toxics"));
    }

    @Test
    void aProxyIsPatchedAndItsDefaultsAreToxiproxys() throws Exception {
        createEcho();
        Map<String, Object> proxy = object(send("GET", "/proxies/echo", null));
        assertEquals(Boolean.TRUE, proxy.get("enabled"));
        assertEquals(List.of(), proxy.get("toxics"));
        HttpResponse<String> disabled = send("PATCH", "/proxies/echo", "{\"enabled\":false}");
        assertEquals(200, disabled.statusCode(), disabled.body());
        assertEquals(Boolean.FALSE, object(disabled).get("enabled"));
        assertEquals(proxy.get("listen"), object(disabled).get("listen"), "the listen address is kept");
        assertEquals(204, send("POST", "/reset", null).statusCode());
        assertEquals(Boolean.TRUE, object(send("GET", "/proxies/echo", null)).get("enabled"));
        assertEquals(204, send("DELETE", "/proxies/echo", null).statusCode());
        assertEquals("{}", send("GET", "/proxies", null).body());
    }

    @Test
    void populateMakesKeepsAndReplacesProxies() throws Exception {
        String upstream = "127.0.0.1:" + echo.endpoint().port();
        String two = "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + upstream + "\"},"
                + "{\"name\":\"b\",\"upstream\":\"" + upstream + "\",\"enabled\":false}]";
        HttpResponse<String> made = send("POST", "/populate", two);
        assertEquals(201, made.statusCode(), made.body());
        List<?> proxies = (List<?>) object(made).get("proxies");
        assertEquals(2, proxies.size());
        Object listenA = ((Map<?, ?>) proxies.get(0)).get("listen");
        assertEquals(Boolean.FALSE, ((Map<?, ?>) proxies.get(1)).get("enabled"));
        String same = "[{\"name\":\"a\",\"listen\":\"" + listenA + "\",\"upstream\":\"" + upstream + "\"}]";
        Endpoint a = Endpoint.parse((String) listenA);
        try (Socket open = new Socket(a.host(), a.port())) {
            open.setSoTimeout(10_000);
            HttpResponse<String> kept = send("POST", "/populate", same);
            assertEquals(listenA, ((Map<?, ?>) ((List<?>) object(kept).get("proxies")).get(0)).get("listen"));
            open.getOutputStream().write(7);
            assertEquals(7, open.getInputStream().read(), "a proxy kept as it was keeps its connections");
        }
        String bad = "[{\"name\":\"c\",\"upstream\":\"" + upstream + "\"},{\"upstream\":\"" + upstream + "\"}]";
        assertError(400, "missing required field: name at proxy 2", send("POST", "/populate", bad));
        assertEquals(
                List.of("a", "b"),
                List.copyOf(object(send("GET", "/proxies", null)).keySet()));
    }

    @Test
    void badBodiesAreFourHundredsInToxiproxysShape() throws Exception {
        assertErrorStartsWith(400, "bad request body: ", send("POST", "/proxies", "{\"name\": \"x\", "));
        assertErrorStartsWith(400, "bad request body: ", send("POST", "/proxies", ""));
        assertErrorStartsWith(400, "bad request body: ", send("POST", "/proxies", "[1]"));
        assertErrorStartsWith(400, "bad request body: ", send("POST", "/proxies", "{\"name\": 5}"));
        assertError(400, "missing required field: name", send("POST", "/proxies", "{\"upstream\":\"127.0.0.1:1\"}"));
        createEcho();
        assertError(400, "invalid toxic type", send("POST", "/proxies/echo/toxics", "{\"type\":\"flood\"}"));
        assertError(
                400,
                "stream was invalid, can be either upstream or downstream",
                send("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"stream\":\"sideways\"}"));
        assertErrorStartsWith(
                400,
                "bad request body: latency has no attribute 'latncy'",
                send("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"attributes\":{\"latncy\":5}}"));
        assertErrorStartsWith(
                400,
                "bad request body: latency latency=1.5 is not a whole number",
                send("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":1.5}}"));
        assertErrorStartsWith(
                400,
                "bad request body: ",
                send("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"toxicity\":2}"));
        assertErrorStartsWith(
                400,
                "fault 'drop' applies to datagram relays",
                send("POST", "/proxies/echo/toxics", "{\"type\":\"drop\",\"attributes\":{\"rate\":0.5}}"));
        assertEquals("[]", send("GET", "/proxies/echo/toxics", null).body(), "nothing refused was added");
    }

    @Test
    void aBodyTooLargeIsRefusedUnread() throws Exception {
        String huge = "{\"name\":\"" + "x".repeat(ToxiproxyApi.MAX_BODY_BYTES) + "\"}";
        assertErrorStartsWith(413, "request body too large", send("POST", "/proxies", huge));
        assertEquals("{}", send("GET", "/proxies", null).body());
    }

    /** The API's threads are few: a client that starts a body and stalls holds one only until the request deadline. */
    @Test
    void clientsThatStallInTheirBodiesAreCutOffAtTheRequestDeadline() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) { // more than the API's threads
                Socket socket = new Socket("127.0.0.1", api.address().getPort());
                socket.setSoTimeout(20_000);
                socket.getOutputStream()
                        .write("POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"
                                .getBytes(StandardCharsets.US_ASCII));
                stalled.add(socket);
            }
            assertEquals(200, send("GET", "/version", null).statusCode(), "answered once the stalled are cut off");
            for (Socket socket : stalled) {
                assertEquals(-1, endOrReset(socket), "a stalled request is closed unanswered");
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    /** {@return -1 for a connection closed with a FIN or a reset, or the byte read} */
    private static int endOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketException reset) {
            return -1;
        }
    }

    @Test
    void aBrowserAnUnknownPathAndAWrongMethodAreRefused() throws Exception {
        HttpRequest browser = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.address().getPort() + "/reset"))
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        assertEquals(
                403, http.send(browser, HttpResponse.BodyHandlers.ofString()).statusCode());
        assertError(404, "proxy not found", send("GET", "/proxies/none/toxics", null));
        assertErrorStartsWith(404, "not found: /nothing", send("GET", "/nothing", null));
        HttpResponse<String> wrong = send("PUT", "/proxies", "{}");
        assertErrorStartsWith(405, "method not allowed", wrong);
        assertEquals("GET, POST", wrong.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void aUdpProxyTakesDatagramToxicsWhichToxiproxyHasNot() throws Exception {
        try (Server udpEcho = Server.start(ServerConfig.defaults().withEndpoint(Endpoint.udp("127.0.0.1", 0)));
                DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(10_000);
            String body =
                    "{\"name\":\"dns\",\"listen\":\"udp://127.0.0.1:0\",\"upstream\":\"" + udpEcho.endpoint() + "\"}";
            HttpResponse<String> created = send("POST", "/proxies", body);
            assertEquals(201, created.statusCode(), created.body());
            Endpoint listen = Endpoint.parse((String) object(created).get("listen"));
            assertEquals(SocketKind.UDP, listen.kind());
            HttpResponse<String> toxic = send(
                    "POST",
                    "/proxies/dns/toxics",
                    "{\"type\":\"duplicate\",\"stream\":\"downstream\",\"attributes\":{\"rate\":1}}");
            assertEquals(200, toxic.statusCode(), toxic.body());
            assertEquals(Map.of("rate", BigDecimal.ONE), object(toxic).get("attributes"));
            byte[] sent = "query".getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(sent, sent.length, listen.inetSocketAddress()));
            for (int copy = 1; copy <= 2; copy++) {
                DatagramPacket back = new DatagramPacket(new byte[64], 64);
                client.receive(back);
                assertEquals("query", new String(back.getData(), 0, back.getLength(), StandardCharsets.US_ASCII));
            }
            assertErrorStartsWith(
                    400,
                    "fault 'slicer' applies to stream relays",
                    send("POST", "/proxies/dns/toxics", "{\"type\":\"slicer\"}"));
        }
    }

    @Test
    void aProxyListensOnAUnixSocketWhichToxiproxyCannot(@TempDir Path directory) throws Exception {
        Path socket = directory.resolve("echo.sock");
        String body = "{\"name\":\"unix\",\"listen\":\"unix://" + socket + "\",\"upstream\":\"127.0.0.1:"
                + echo.endpoint().port() + "\"}";
        HttpResponse<String> created = send("POST", "/proxies", body);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("unix://" + socket, object(created).get("listen"));
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("over unix".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer back = ByteBuffer.allocate(9);
            while (back.hasRemaining() && channel.read(back) >= 0) {
                // Until the echo is whole.
            }
            assertEquals("over unix", new String(back.array(), StandardCharsets.US_ASCII));
        }
    }
}
