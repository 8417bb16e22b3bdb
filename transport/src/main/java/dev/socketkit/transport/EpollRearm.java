package dev.socketkit.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty 4.2.18's {@link EpollIoHandler}, with its registrations re-armed once epoll has let go of them.
 *
 * <p>Why: when a socket's interest set becomes empty (after the peer's FIN Netty clears EPOLLRDHUP and, the input being
 * at its end, EPOLLIN; with nothing waiting for room, EPOLLOUT is clear too), Netty's registration removes the socket
 * from epoll ({@code epoll_ctl DEL}) but keeps its state "added". The next interest, typically EPOLLOUT for a write
 * that has to wait for room, is then an {@code epoll_ctl MOD}, which fails with ENOENT: the write fails, Netty shuts
 * the output, and the peer that half-closed gets a truncated answer. This wrapper lets the removal happen (an empty
 * set must not stay in epoll, or a hung-up socket would wake the loop for ever) and, on the next non-empty interest,
 * cancels the stale registration and registers the socket again, which adds it ({@code epoll_ctl ADD}). Everything
 * else is passed to Netty's handler unchanged.
 */
final class EpollRearm implements IoHandler {
    private final IoHandler epoll;

    private EpollRearm(IoHandler epoll) {
        this.epoll = epoll;
    }

    /** {@return a factory of epoll handlers whose registrations re-arm} */
    static IoHandlerFactory newFactory() {
        IoHandlerFactory epoll = EpollIoHandler.newFactory();
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new EpollRearm(epoll.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return epoll.isChangingThreadSupported();
            }
        };
    }

    @Override
    public void initialize() {
        epoll.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return epoll.run(context);
    }

    @Override
    public void prepareToDestroy() {
        epoll.prepareToDestroy();
    }

    @Override
    public void destroy() {
        epoll.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new Registration(handle, epoll.register(handle));
    }

    @Override
    public void wakeup() {
        epoll.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return epoll.isCompatible(handleType);
    }

    /**
     * One socket's registration. Used on the event loop only, as Netty's channels use theirs ({@code submit} and
     * {@code cancel} from a channel's own loop).
     */
    private final class Registration implements IoRegistration {
        private final IoHandle handle;
        private IoRegistration current;
        /** Whether the socket is in epoll's set: a non-empty interest was submitted since the last empty one. */
        private boolean inEpoll;
        /** Whether an empty interest took the socket out of epoll's set while Netty's registration stays "added". */
        private boolean removed;

        private boolean cancelled;

        Registration(IoHandle handle, IoRegistration current) {
            this.handle = handle;
            this.current = current;
        }

        @Override
        public <T> T attachment() {
            return current.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            boolean empty = ((EpollIoOps) ops).value() == EpollIoOps.NONE.value();
            if (!empty && removed && !cancelled) {
                rearm();
            }
            long submitted = current.submit(ops);
            if (empty) {
                removed |= inEpoll;
                inEpoll = false;
            } else if (submitted >= 0) {
                inEpoll = true;
            }
            return submitted;
        }

        /** Swaps the stale registration for a new one, whose first non-empty interest adds the socket to epoll. */
        private void rearm() {
            current.cancel();
            try {
                current = epoll.register(handle);
            } catch (Exception e) {
                throw new IllegalStateException("cannot register " + handle + " with epoll again", e);
            }
            removed = false;
        }

        @Override
        public boolean isValid() {
            return !cancelled && current.isValid();
        }

        @Override
        public boolean cancel() {
            cancelled = true;
            return current.cancel();
        }
    }
}
