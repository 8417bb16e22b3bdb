package dev.socketkit.codec;

import io.netty.channel.embedded.EmbeddedChannel;

/** How a test hands its input to a channel: in one read, or in as many reads as there are bytes. */
enum Delivery {
    WHOLE {
        @Override
        void writeInbound(EmbeddedChannel channel, byte[] bytes) {
            channel.writeInbound(channel.alloc().buffer(bytes.length).writeBytes(bytes));
        }
    },
    ONE_BYTE_AT_A_TIME {
        /** Delivers every byte even after a failure, then throws the first failure with any later ones suppressed. */
        @Override
        void writeInbound(EmbeddedChannel channel, byte[] bytes) {
            RuntimeException first = null;
            for (byte b : bytes) {
                try {
                    channel.writeInbound(channel.alloc().buffer(1).writeByte(b));
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    };

    /** Writes {@code bytes} to the inbound side of {@code channel}, in pooled buffers the leak detector tracks. */
    abstract void writeInbound(EmbeddedChannel channel, byte[] bytes);
}
