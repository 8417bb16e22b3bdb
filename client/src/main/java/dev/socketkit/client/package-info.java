/**
 * A client for any TCP, UDP, Unix stream or Unix datagram server: socketkit's own or any other.
 *
 * <pre>{@code
 * try (Client client = Client.connect(ClientConfig.defaults().withEndpoint(Endpoint.parse("tcp://127.0.0.1:8090")))) {
 *     String reply = client.request("Hello, World!");
 * }
 * }</pre>
 *
 * Frames come out exactly as the configured {@link dev.socketkit.codec.Framing} cuts them; with raw framing, bytes
 * as they arrive. Every wait has a finite timeout, and every failure is a {@link dev.socketkit.client.ClientException}
 * that names the endpoint and the cause.
 */
package dev.socketkit.client;
