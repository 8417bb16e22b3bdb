package dev.socketkit.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** A close_notify ends the input once, as a FIN does; the FIN after it is not a second end. */
class TlsEndOfInputTest {
    private final List<Object> seen = new ArrayList<>();
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new TlsEndOfInput(), new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    seen.add(evt);
                }
            });

    @Test
    void aCloseNotifyEndsTheInput() {
        channel.pipeline().fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
        assertEquals(List.of(SslCloseCompletionEvent.SUCCESS, ChannelInputShutdownEvent.INSTANCE), seen);
    }

    @Test
    void theFinAfterACloseNotifyIsNotASecondEnd() {
        channel.pipeline().fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals(List.of(SslCloseCompletionEvent.SUCCESS, ChannelInputShutdownEvent.INSTANCE), seen);
    }

    @Test
    void aFinWithoutCloseNotifyStillEndsTheInputOnce() {
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals(List.of(ChannelInputShutdownEvent.INSTANCE), seen);
    }

    @Test
    void aFailedCloseIsPassedOnButEndsNothing() {
        SslCloseCompletionEvent failed = new SslCloseCompletionEvent(new SSLException("truncated"));
        channel.pipeline().fireUserEventTriggered(failed);
        channel.pipeline().fireUserEventTriggered("other");
        assertEquals(List.of(failed, "other"), seen);
    }
}
