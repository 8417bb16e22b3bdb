package dev.socketkit.cli;

import dev.socketkit.relay.ToxiproxyApi;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code socketkit toxiproxy}: Toxiproxy's HTTP API, with no proxies until a client creates them, as {@code
 * toxiproxy-server} runs it; each proxy is a socketkit relay.
 */
@Command(
        name = "toxiproxy",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serve Toxiproxy's HTTP API until Ctrl-C or SIGTERM, with no proxies until a client (Toxiproxy's own,"
                    + " Testcontainers', curl) creates them: each proxy is a socketkit relay, each toxic a fault."
                    + " Prints one line to stdout when bound: 'listening http://HOST:PORT'.",
            "",
            "  curl -s -X POST localhost:8474/proxies \\",
            "    -d '{\"name\":\"db\",\"listen\":\"127.0.0.1:26379\",\"upstream\":\"127.0.0.1:6379\"}'",
            "  curl -s -X POST localhost:8474/proxies/db/toxics \\",
            "    -d '{\"type\":\"latency\",\"attributes\":{\"latency\":100}}'",
            "",
            "Listen and upstream are HOST:PORT, or any socketkit endpoint (unix:///run/app.sock, udp://HOST:PORT).",
            "The API listens on loopback only unless --api-allow-remote is given: it can break any traffic it relays.",
            ""
        },
        footer = ExitCodes.HELP)
final class ToxiproxyCommand implements Callable<Integer> {
    /** Where {@code toxiproxy-server} listens, and so where its clients look first. */
    static final String DEFAULT_API = "127.0.0.1:" + ToxiproxyApi.DEFAULT_PORT;

    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "The seed of every random choice (jitter, slice sizes, toxicity): the same seed, the same"
                    + " choices (default: a random one).")
    Long seed;

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() throws InterruptedException {
        logging.apply();
        InetSocketAddress address = api.address(DEFAULT_API);
        ToxiproxyApi running = ApiOptions.start(
                address, seed != null ? seed : ThreadLocalRandom.current().nextLong());
        // Before the listening line: a supervisor may send SIGTERM the moment it reads it.
        ShutdownHook.install(running::close, () -> "stopped the Toxiproxy API on " + ApiOptions.url(running.address()));
        String url = ApiOptions.url(running.address());
        LogManager.getLogger(ToxiproxyCommand.class).info("Toxiproxy API on {}", url);
        PrintWriter out = spec.commandLine().getOut();
        out.println("listening " + url);
        out.flush();
        new CountDownLatch(1).await(); // until SIGINT or SIGTERM: the hook stops the API and exits
        return ExitCodes.OK;
    }
}
