package dev.socketkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.codec.Framing;
import dev.socketkit.server.BlockingHandler;
import dev.socketkit.server.HandlerFactory;
import dev.socketkit.server.Request;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's "Use it from Java" examples, compiled and run so that they cannot rot; and a check that the README shows
 * exactly the code between each {@code tag::NAME[]} and {@code end::NAME[]} comment of every module's tests.
 */
@Timeout(30)
class ReadmeExampleIT {
    @Test
    void embeddedEchoServer() {
        // tag::embedded[]
        try (Server server = Server.start(ServerConfig.defaults() // echo, as socketkit serve echo
                        .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0"))); // port 0: any free port
                Client client = Client.connect(server.endpoint().toString())) {
            String reply = client.request("Hello, World!"); // "Hello, World!"
            // end::embedded[]
            assertEquals("Hello, World!", reply);
        }
    }

    @Test
    void welcomeServerAndClient() {
        // tag::welcome[]
        ServerConfig welcome = ServerConfig.defaults()
                .withKind(ServerKind.WELCOME)
                .withEndpoint(Endpoint.anyLocal(SocketKind.UNIX)); // a fresh path in the temp directory
        try (Server server = Server.start(welcome);
                Client client = Client.connect(server.endpoint().toString())) {
            String greeting = new String(client.receive()); // "Welcome to the server"
            String reply = client.request("Hello, World!"); // "Data received:Hello, World!"
            // end::welcome[]
            assertEquals("Welcome to the server", greeting);
            assertEquals("Data received:Hello, World!", reply);
        }
    }

    // tag::event-loop-handler[]
    /** Answers each line with the same line in upper case; runs on the event loop, so it never blocks. */
    @Sharable
    static final class UpperCase extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
            String upper = line.toString(UTF_8).toUpperCase(Locale.ROOT);
            ctx.write(ByteBufUtil.writeUtf8(ctx.alloc(), upper)); // line is released on return
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush(); // once per read batch, not per line
        }
    }
    // end::event-loop-handler[]

    @Test
    void eventLoopHandler() {
        // tag::event-loop-server[]
        UpperCase upperCase = new UpperCase();
        HandlerFactory handlers = () -> upperCase; // sharable: one for every connection
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0"))
                .withFraming(Framing.line(8192))
                .withHandler(handlers);
        // end::event-loop-server[]
        try (Server server = Server.start(config);
                Client client = Client.connect(
                        ClientConfig.defaults().withEndpoint(server.endpoint()).withFraming(Framing.line(8192)))) {
            assertEquals("HELLO\n", client.request("hello\n"));
        }
    }

    @Test
    void blockingHandler() {
        // tag::blocking-handler[]
        BlockingHandler adder = new BlockingHandler() {
            @Override
            public void handle(Request request) throws IOException {
                var lines = new BufferedReader(new InputStreamReader(request.input(), UTF_8));
                var out = new PrintStream(request.output(), true, UTF_8);
                long sum = 0;
                for (String line; (line = lines.readLine()) != null; ) { // until the client half-closes
                    sum += Long.parseLong(line.strip());
                    out.print("sum " + sum + "\n");
                }
            }

            @Override
            public void finish(Request request) { // called even when handle threw
                System.err.println("done with " + request.peer());
            }
        };
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0"))
                .withHandler(adder);
        // end::blocking-handler[]
        try (Server server = Server.start(config);
                Client client = Client.connect(
                        ClientConfig.defaults().withEndpoint(server.endpoint()).withFraming(Framing.line(8192)))) {
            client.send("1\n2\n");
            client.shutdownOutput();
            List<String> answers = client.receiveUntilClosed().stream()
                    .map(a -> new String(a, UTF_8))
                    .toList();
            assertEquals(List.of("sum 1\n", "sum 3\n"), answers);
        }
    }

    @Test
    void readmeShowsEveryTaggedExampleExactly() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), UTF_8);
        List<String> tags = new ArrayList<>();
        // Every module's tests, from the build's root: the README quotes integration-tests and junit.
        try (Stream<Path> sources =
                Files.walk(Path.of("..")).filter(p -> p.toString().contains("/src/test/java/"))) {
            for (Path source :
                    sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher region = TAGGED.matcher(Files.readString(source, UTF_8));
                while (region.find()) {
                    String code = unindent(region.group(2));
                    tags.add(region.group(1));
                    assertTrue(
                            readme.contains(code),
                            () -> "README.md must show the code tagged " + region.group(1) + " in " + source
                                    + " exactly:\n" + code);
                }
            }
        }
        assertFalse(tags.isEmpty(), "no tagged examples found: is the working directory the module's?");
    }

    @Test
    void everyImportTheReadmeShowsNamesAClassTheExamplesCanUse() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), UTF_8);
        Matcher imports = IMPORT.matcher(readme);
        int count = 0;
        while (imports.find()) {
            String name = imports.group(2);
            // A static import names a member: its class is what comes before the last dot.
            String type = imports.group(1) == null ? name : name.substring(0, name.lastIndexOf('.'));
            assertTrue(loads(type), () -> "README.md imports " + name + ", but there is no class " + type);
            count++;
        }
        assertTrue(count > 0, "no imports found in README.md");
    }

    /** Whether {@code type}, as an import spells it (nested classes after a dot), loads on this class path. */
    private static boolean loads(String type) {
        // The first segment that starts in upper case is the top-level class; the segments after it are nested ones.
        String[] parts = type.split("\\.");
        StringBuilder binary = new StringBuilder();
        boolean nested = false;
        for (String part : parts) {
            if (binary.length() > 0) {
                binary.append(nested ? '$' : '.');
            }
            binary.append(part);
            nested = nested || Character.isUpperCase(part.charAt(0));
        }
        try {
            Class.forName(binary.toString(), false, ReadmeExampleIT.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static final Pattern IMPORT = Pattern.compile("(?m)^import (static )?([\\w.]+);$");

    private static final Pattern TAGGED =
            Pattern.compile("[ \\t]*// tag::([a-z-]+)\\[]\\n(.*?)[ \\t]*// end::\\1\\[]", Pattern.DOTALL);

    /** The lines with their common indentation removed, as a README code block shows them. */
    private static String unindent(String code) {
        List<String> lines = code.lines().toList();
        int indent = lines.stream()
                .filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length())
                .min()
                .orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return out.toString();
    }
}
