/**
 * The {@code socketkit} command line: {@code socketkit serve KIND [ENDPOINT]} and the options it shares with the
 * commands that follow. A thin layer over the library: every command builds a library configuration and runs it.
 */
package dev.socketkit.cli;
