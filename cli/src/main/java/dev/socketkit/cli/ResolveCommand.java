package dev.socketkit.cli;

import dev.socketkit.client.ClientException;
import dev.socketkit.client.ClientException.Reason;
import io.netty.util.NetUtil;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code socketkit resolve HOST}: the tutorial's {@code gethostbyname} and {@code getfqdn}, every address a host
 * resolves to and its fully qualified name.
 *
 * <p>stdout carries only the result, two columns a line: {@code address ADDR} for each address (IPv4 first, then
 * IPv6, each in RFC 5952 form, without duplicates, in the resolver's order within a family), then {@code fqdn NAME}.
 */
@Command(
        name = "resolve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Resolve HOST with the system resolver (/etc/hosts, DNS), as the tutorial's gethostbyname and getfqdn"
                    + " do: print every address it has and its fully qualified name.",
            "",
            "stdout, two columns a line (for awk and grep):",
            "  address ADDR  every address: IPv4 first, then IPv6 (RFC 5952: ::1),",
            "                without duplicates, in the resolver's order per family",
            "  fqdn NAME     last: the name the first address maps back to, or HOST",
            "                itself when none does (as getfqdn)",
            "Errors: one line on stderr.",
            ""
        },
        footer = ResolveCommand.EXIT_STATUS)
final class ResolveCommand implements Callable<Integer> {
    /** This command's exit statuses, in the layout of {@link ExitCodes#HELP}. */
    static final String EXIT_STATUS = "%nExit status:%n"
            + "  0  resolved: the addresses and the name are on stdout%n"
            + "  1  the host does not resolve, or has no address of the -4/-6 family%n"
            + "  2  usage error: unknown option, bad value, empty HOST%n"
            + "  3  the resolver did not answer within --timeout%n";

    /** Which address families to print. */
    enum Family {
        ANY,
        IPV4,
        IPV6;

        boolean admits(InetAddress address) {
            return switch (this) {
                case ANY -> true;
                case IPV4 -> address instanceof Inet4Address;
                case IPV6 -> address instanceof Inet6Address;
            };
        }
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST", description = "A host name, or an IPv4 or IPv6 address.")
    String host;

    @Option(names = "-4", description = "Print only IPv4 addresses.")
    boolean ipv4Only;

    @Option(names = "-6", description = "Print only IPv6 addresses.")
    boolean ipv6Only;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "How long to wait for the resolver, both lookups together (e.g. 500ms, 2s, 1m;"
                    + " default: ${DEFAULT-VALUE}).",
            defaultValue = "5s")
    String timeout = "5s";

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() throws InterruptedException {
        logging.apply();
        // Every value checked before the first lookup.
        if (host.isBlank()) {
            throw new UsageException("HOST must not be empty");
        }
        if (ipv4Only && ipv6Only) {
            throw new UsageException("-4 and -6 contradict each other; give one, or neither for both");
        }
        Family family = ipv4Only ? Family.IPV4 : ipv6Only ? Family.IPV6 : Family.ANY;
        Duration wait = Options.duration("--timeout", timeout);

        Result result = lookUp(host, family, wait);
        PrintWriter out = spec.commandLine().getOut();
        for (String address : result.addresses()) {
            out.println("address " + address);
        }
        out.println("fqdn " + result.fqdn());
        out.flush();
        return ExitCodes.OK;
    }

    /** What {@code resolve} prints: the addresses, formatted and ordered, and the fully qualified name. */
    record Result(List<String> addresses, String fqdn) {}

    /**
     * Both lookups on a daemon thread, waited for at most {@code wait}: the OS resolver takes no timeout of its own,
     * and a thread stuck in it must not keep the JVM alive.
     *
     * <p>Everything that may ask the resolver runs on that thread, Log4j and Netty's {@link NetUtil} included: Log4j
     * looks up the local host name when it starts (Netty's logger starts it), which must not block this thread.
     */
    private static Result lookUp(String host, Family family, Duration wait) throws InterruptedException {
        FutureTask<Result> task = new FutureTask<>(() -> resolve(host, family));
        Thread thread = new Thread(task, "socketkit-resolve");
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new ClientException(
                    Reason.TIMED_OUT, "resolving '" + host + "' timed out after " + describe(wait), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownHostException) {
                throw new ClientException(Reason.HOST_NOT_FOUND, "cannot resolve '" + host + "': unknown host", cause);
            }
            if (cause instanceof IllegalArgumentException) {
                throw new UsageException("HOST: '" + host + "' is not a host name: " + cause.getMessage());
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("resolving '" + host + "' failed: " + cause, cause);
        }
    }

    /** {@code gethostbyname} for every address, then {@code getfqdn}; runs on the lookup thread. */
    private static Result resolve(String host, Family family) throws UnknownHostException {
        debug("resolving '{}' ({}) with the system resolver", host, family);
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            debug("the resolver says: {}", e.getMessage());
            throw e;
        }
        debug("'{}' resolves to {}", host, List.of(all));
        List<InetAddress> chosen = new ArrayList<>();
        for (InetAddress address : all) {
            if (family.admits(address)) {
                chosen.add(address);
            }
        }
        if (chosen.isEmpty()) {
            throw new ClientException(
                    Reason.HOST_NOT_FOUND,
                    "cannot resolve '" + host + "': no " + (family == Family.IPV4 ? "IPv4" : "IPv6")
                            + " address (it has " + String.join(", ", lines(List.of(all))) + ")",
                    null);
        }
        InetAddress first = chosen.get(0);
        // getCanonicalHostName answers the address's own text when no name maps back to it.
        String canonical = first.getCanonicalHostName();
        String fqdn = canonical.equals(first.getHostAddress()) ? fallbackName(host, first) : canonical;
        debug("'{}' maps back to '{}'", first, canonical);
        return new Result(lines(chosen), fqdn);
    }

    /** The addresses as printed: IPv4 first, then IPv6, in RFC 5952 form, without duplicates, order otherwise kept. */
    static List<String> lines(List<InetAddress> addresses) {
        Set<String> lines = new LinkedHashSet<>();
        for (InetAddress address : addresses) {
            if (address instanceof Inet4Address) {
                lines.add(format(address));
            }
        }
        for (InetAddress address : addresses) {
            if (!(address instanceof Inet4Address)) {
                lines.add(format(address));
            }
        }
        return List.copyOf(lines);
    }

    /** One address in RFC 5952 form ({@code ::1}, not {@code 0:0:0:0:0:0:0:1}), with its scope if it has one. */
    static String format(InetAddress address) {
        String text = NetUtil.toAddressString(address);
        if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            NetworkInterface scope = v6.getScopedInterface();
            text += "%" + (scope != null ? scope.getName() : Integer.toString(v6.getScopeId()));
        }
        return text;
    }

    /** getfqdn's answer when no name maps back: the host as given, or, for an address, the address as printed. */
    private static String fallbackName(String host, InetAddress address) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare) ? format(address) : host;
    }

    /** {@code 5s}, {@code 500ms}, {@code 1m}: how --timeout is written. */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /** A DEBUG line ({@code -v}); without {@code -v}, no logger is made, so a lookup does not start the Log4j API. */
    private static void debug(String format, Object... arguments) {
        if (LogLevels.debug(ResolveCommand.class)) {
            LogManager.getLogger(ResolveCommand.class).debug(format, arguments);
        }
    }
}
