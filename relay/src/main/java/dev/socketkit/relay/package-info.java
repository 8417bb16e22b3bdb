/**
 * A relay: forwards every connection or datagram that arrives at one endpoint to another endpoint of the same family
 * (stream to stream, datagram to datagram), byte-exact, and can break the traffic on purpose with Toxiproxy-style
 * faults.
 */
package dev.socketkit.relay;
