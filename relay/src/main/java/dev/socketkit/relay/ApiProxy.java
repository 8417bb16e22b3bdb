package dev.socketkit.relay;

import dev.socketkit.transport.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One proxy of the Toxiproxy API: a name, a relay while it is enabled, and its toxics, which outlive the relay (the relay
 * starts with them, and its live set follows each change), so that a proxy disabled and enabled again keeps its toxics
 * and its port, as in Toxiproxy. Not thread-safe: the API calls it under its own lock.
 */
final class ApiProxy {
    private static final Logger LOG = LogManager.getLogger(ToxiproxyApi.class);
    private static final String TCP_PREFIX = "tcp://";
    private static final int APPLY_SECONDS = 5;

    private final String name;
    private final long seed;
    /** Where it listens next: the real port once it has listened, so that enabling again keeps the port. */
    private RelayConfig config;
    /** Whether listen was given as a URI ({@code unix://...}) rather than Toxiproxy's {@code HOST:PORT}. */
    private boolean uriForm;
    /** The upstream as given: Toxiproxy shows it so, and compares it so on an update. */
    private String upstream;
    /** The toxics, by name, in the order they were added; the relay's live set follows them while it runs. */
    private final Map<String, Fault> toxics = new LinkedHashMap<>();

    private Relay relay;

    ApiProxy(String name, RelayConfig config, boolean uriForm, String upstream, long seed) {
        this.name = name;
        this.seed = seed;
        this.config = config;
        this.uriForm = uriForm;
        this.upstream = upstream;
        for (Fault fault : config.faults()) {
            toxics.put(fault.name(), fault);
        }
    }

    /** A proxy of the API's own, from a {@code POST /proxies} body's {@code listen} and {@code upstream}. */
    static ApiProxy of(String name, String listen, String upstream, long seed) {
        String where = listen.isEmpty() ? "127.0.0.1:0" : listen;
        RelayConfig config = config(endpoint("listen", where), endpoint("upstream", upstream));
        return new ApiProxy(name, config, where.contains("://"), upstream, seed);
    }

    /** One event-loop thread a proxy: an API may hold many, each for a test's few connections. */
    private static RelayConfig config(Endpoint listen, Endpoint target) {
        RelayConfig config = RelayConfig.of(listen, target).withThreads(1);
        try {
            return config.validate();
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
    }

    private static Endpoint endpoint(String field, String text) {
        try {
            return Endpoint.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, field + ": " + e.getMessage());
        }
    }

    String name() {
        return name;
    }

    boolean enabled() {
        return relay != null;
    }

    /** {@return the upstream as it was given} */
    String upstream() {
        return upstream;
    }

    /** {@return whether it listens (or will) where {@code listen} says, as {@code /populate} compares them} */
    boolean listens(String listen) {
        try {
            return Endpoint.parse(listen).equals(config.listen());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Starts the relay, with the toxics there are, and returns it; its failures as they are: {@link ToxiproxyApi#add}. */
    Relay start() {
        if (relay == null) {
            relay = Relay.start(
                    config.withFaults(toxics.values().toArray(Fault[]::new)).withSeed(seed));
            config = config.retargeted(relay.endpoint(), config.target());
            LOG.info("proxy {}: {} -> {}", name, relay.endpoint(), config.target());
        }
        return relay;
    }

    /** Starts the relay unless it runs, its failures in Toxiproxy's terms; its port is kept for the next start. */
    void enable() {
        try {
            start();
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        } catch (RuntimeException e) {
            // Toxiproxy answers a listen that fails (address in use) with a 500 and the error's text.
            throw new ApiError(500, e.getMessage());
        }
    }

    /** Stops the relay, which closes its listener and every connection through it. */
    void disable() {
        if (relay != null) {
            relay.close();
            relay = null;
            LOG.info("proxy {}: disabled", name);
        }
    }

    /**
     * Toxiproxy's update: a listen or upstream that differs restarts the proxy there (dropping its connections), then
     * {@code enabled} is applied; a field left out (null) stays as it is.
     */
    void update(String newListen, String newUpstream, Boolean newEnabled) {
        boolean wasEnabled = enabled();
        Endpoint listen = newListen == null ? config.listen() : endpoint("listen", newListen);
        String target = newUpstream == null ? upstream : newUpstream;
        if (!listen.equals(config.listen()) || !target.equals(upstream)) {
            RelayConfig changed = config.retargeted(listen, endpoint("upstream", target));
            try {
                changed.validate();
                for (Fault fault : toxics.values()) {
                    fault.requireAppliesTo(listen.kind());
                }
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, e.getMessage());
            }
            disable();
            config = changed;
            upstream = target;
            if (newListen != null) {
                uriForm = newListen.contains("://");
            }
        }
        if (newEnabled == null ? wasEnabled : newEnabled) {
            enable();
        } else {
            disable();
        }
    }

    /** {@return the toxic of this name, if there is one} */
    Optional<Fault> toxic(String toxic) {
        return Optional.ofNullable(toxics.get(toxic));
    }

    /** {@return how many toxics it has} */
    int toxicCount() {
        return toxics.size();
    }

    /**
     * Adds a toxic, to the open connections too.
     *
     * @throws ApiError 400 if it does not apply to this proxy's kind of socket
     */
    void add(Fault fault) {
        try {
            fault.requireAppliesTo(config.listen().kind()).checkConsistent();
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
        toxics.put(fault.name(), fault);
        if (relay != null) {
            relay.faults().add(fault);
            applied();
        }
    }

    /** Replaces a toxic of the same name, on the open connections too. */
    void replace(Fault fault) {
        toxics.put(fault.name(), fault);
        if (relay != null) {
            relay.faults().remove(fault.name());
            relay.faults().add(fault);
            applied();
        }
    }

    /** Removes a toxic, from the open connections too. */
    void remove(String toxic) {
        toxics.remove(toxic);
        if (relay != null) {
            relay.faults().remove(toxic);
            applied();
        }
    }

    /** Removes every toxic, from the open connections too. */
    void clear() {
        toxics.clear();
        if (relay != null) {
            relay.faults().clear();
            applied();
        }
    }

    /**
     * Waits until a change of the toxics is in place on every open connection, as Toxiproxy answers only once each
     * link has its new chain: a client that sends right after the answer meets the change. Bounded, so that a busy
     * connection's loop cannot hold the API.
     */
    private void applied() {
        try {
            relay.faults().applied().get(APPLY_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("proxy {}: a toxic change was not in place on every connection within {} s", name, APPLY_SECONDS);
        }
    }

    /** {@return where it listens (or will), as Toxiproxy shows it: {@code HOST:PORT}, or the URI it was given as} */
    String listen() {
        String text = config.listen().toString();
        return !uriForm && text.startsWith(TCP_PREFIX) ? text.substring(TCP_PREFIX.length()) : text;
    }

    /** {@return the proxy's JSON object, with its toxics, in Toxiproxy's shape} */
    Map<String, Object> toApi() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("listen", listen());
        json.put("upstream", upstream);
        json.put("enabled", enabled());
        json.put("toxics", toxics());
        return json;
    }

    /** {@return the toxics' JSON objects, in the order they were added} */
    List<Object> toxics() {
        List<Object> list = new ArrayList<>();
        for (Fault fault : toxics.values()) {
            list.add(ToxicJson.toApi(fault));
        }
        return list;
    }
}
