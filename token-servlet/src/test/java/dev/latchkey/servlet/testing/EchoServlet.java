package dev.latchkey.servlet.testing;

import dev.latchkey.servlet.LatchkeyAttributes;
import dev.latchkey.core.TokenInfo;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The host's application, faked: echoes what it was told about the request, one {@code key=value} a line. */
public final class EchoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Object t = req.getAttribute(LatchkeyAttributes.TOKEN);
        TokenInfo token = t instanceof TokenInfo ? (TokenInfo) t : null;
        res.setContentType("text/plain;charset=UTF-8");
        StringBuilder b = new StringBuilder();
        b.append("remoteUser=").append(req.getRemoteUser()).append('\n');
        b.append("principal=").append(req.getUserPrincipal() == null ? null : req.getUserPrincipal().getName()).append('\n');
        b.append("authType=").append(req.getAuthType()).append('\n');
        b.append("tokenId=").append(token == null ? null : token.id()).append('\n');
        b.append("tokenKind=").append(token == null ? null : token.kind()).append('\n');
        b.append("tokenLevel=").append(token == null ? null : token.effectiveScope().level()).append('\n');
        b.append("clientIp=").append(req.getAttribute(LatchkeyAttributes.CLIENT_IP)).append('\n');
        b.append("session=").append(req.getSession(false) != null).append('\n');
        b.append("path=").append(req.getServletPath()).append(req.getPathInfo() == null ? "" : req.getPathInfo()).append('\n');
        byte[] body = req.getInputStream().readAllBytes();
        b.append("bodyLength=").append(body.length).append('\n');
        b.append("bodyHash=").append(java.util.Arrays.hashCode(body)).append('\n');
        res.getWriter().print(b);
    }
}
