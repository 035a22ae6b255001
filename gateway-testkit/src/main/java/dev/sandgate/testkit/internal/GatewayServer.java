package dev.sandgate.testkit.internal;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/** The gateway's HTTP side on Netty: one plain and one TLS listener on 127.0.0.1, each serving REST, CONNECT and WebSocket. */
public final class GatewayServer implements AutoCloseable {
    private static final int MAX_REQUEST_BODY = 1024 * 1024;

    private final SessionRegistry registry;
    private final ApiFaults faults = new ApiFaults();
    private final TunnelFaults tunnelFaults = new TunnelFaults();
    private final ResumableRelays relays;
    private final RestApi api;
    private final TunnelAdmission admission;
    private final SelfSignedTls tls;
    private final EventLoopGroup loops;
    private final ExecutorService blocking;
    private final Channel plainListener;
    private final Channel tlsListener;

    /** @param idempotencyKeys where session creations' keys are kept, or null to ignore {@code Idempotency-Key} */
    /** @param resumeWindow how long a resumable tunnel waits to be re-attached; zero offers no resumption */
    public GatewayServer(SessionRegistry registry, SelfSignedTls tls, IdempotencyKeys idempotencyKeys,
            java.time.Duration resumeWindow) throws InterruptedException {
        this.registry = registry;
        this.relays = new ResumableRelays(resumeWindow);
        this.api = new RestApi(registry, faults, idempotencyKeys);
        this.admission = new TunnelAdmission(registry);
        this.tls = tls;
        this.loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        AtomicInteger threads = new AtomicInteger();
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "local-gateway-api-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.plainListener = listen(false);
        this.tlsListener = listen(true);
    }

    private Channel listen(boolean useTls) throws InterruptedException {
        return new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (useTls) {
                            channel.pipeline().addLast(tls.serverContext().newHandler(channel.alloc()));
                        }
                        channel.pipeline().addLast(new HttpServerCodec());
                        channel.pipeline().addLast(new HttpObjectAggregator(MAX_REQUEST_BODY));
                        channel.pipeline().addLast(new HttpEntryHandler(GatewayServer.this, useTls, blocking));
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    public int plainPort() {
        return ((InetSocketAddress) plainListener.localAddress()).getPort();
    }

    public int tlsPort() {
        return ((InetSocketAddress) tlsListener.localAddress()).getPort();
    }

    /** The API faults waiting to hit calls. */
    public ApiFaults faults() {
        return faults;
    }

    /** The tunnel faults waiting to hit tunnels. */
    public TunnelFaults tunnelFaults() {
        return tunnelFaults;
    }

    ResumableRelays relays() {
        return relays;
    }

    SessionRegistry registry() {
        return registry;
    }

    RestApi api() {
        return api;
    }

    TunnelAdmission admission() {
        return admission;
    }

    @Override
    public void close() throws InterruptedException {
        relays.abortAll();
        plainListener.close().sync();
        tlsListener.close().sync();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        blocking.shutdownNow();
    }
}
