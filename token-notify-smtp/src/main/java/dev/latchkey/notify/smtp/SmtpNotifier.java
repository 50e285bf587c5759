package dev.latchkey.notify.smtp;

import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.Notifier;
import dev.latchkey.spi.UserDirectory;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.latchkey.spi.internal.SetOnce;

/**
 * A {@link Notifier} that mails the token's owner, at the address the host's {@link UserDirectory} knows, through
 * an SMTP server (Jakarta Mail). Subjects are fixed texts per kind; the body lists the notice's non-secret facts
 * (a notice never holds a secret), each on one line with control characters replaced, so a reported place cannot
 * add headers or forge lines. An owner without an address is skipped with a WARN. Sending is synchronous with
 * short connect/read time-outs (default 5 s); a failure throws {@link IllegalStateException}, which the engine
 * logs. Immutable and thread-safe.
 */
public final class SmtpNotifier implements Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpNotifier.class);
    private final UserDirectory directory;
    private final Session session;
    private final InternetAddress from;
    private final String product;

    private SmtpNotifier(Builder b) {
        this.directory = b.directory;
        this.from = b.from;
        this.product = b.product != null ? b.product : "Latchkey";
        Properties p = new Properties();
        p.put("mail.smtp.host", b.host);
        p.put("mail.smtp.port", Integer.toString(b.port));
        String timeout = Long.toString((b.timeout != null ? b.timeout : Duration.ofSeconds(5)).toMillis());
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        if (b.startTls) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        Authenticator auth = null;
        if (b.username != null) {
            p.put("mail.smtp.auth", "true");
            String user = b.username;
            String pass = b.password;
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, pass);
                }
            };
        }
        this.session = Session.getInstance(p, auth);
    }

    /**
     * A new builder; the directory resolves owners to e-mail addresses.
     *
     * @param directory the directory that gives each owner's e-mail address
     * @return a builder with no server and no sender
     * @throws NullPointerException if {@code directory} is null
     */
    public static Builder builder(UserDirectory directory) {
        return new Builder(Objects.requireNonNull(directory, "directory"));
    }

    @Override
    public void send(Notice notice) {
        Objects.requireNonNull(notice, "notice");
        Optional<String> email = directory.findUser(notice.owner()).map(DirectoryUser::email).filter(e -> !e.isBlank());
        if (email.isEmpty()) {
            LOG.warn("notice {} about token {} not mailed: {} has no e-mail address in the directory", notice.kind(),
                    notice.tokenId(), notice.owner());
            return;
        }
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(from);
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(email.get(), true));
            m.setSubject(subject(notice), "UTF-8");
            m.setSentDate(Date.from(notice.at()));
            m.setText(body(notice), "UTF-8");
            Transport.send(m);
        } catch (MessagingException e) {
            throw new IllegalStateException("could not mail notice " + notice.kind() + " about token "
                    + notice.tokenId() + " to " + notice.owner() + ": " + e.getMessage(), e);
        }
    }

    String subject(Notice n) {
        return product + ": " + switch (n.kind()) {
            case CREATED_ON_BEHALF -> "a token was created for you";
            case REVOKED_BY_OTHER -> "one of your tokens was revoked";
            case REVOKED_LEAKED -> "one of your tokens was found in public and revoked";
            case EXPIRING -> "one of your tokens expires soon";
        };
    }

    String body(Notice n) {
        StringBuilder b = new StringBuilder();
        b.append(switch (n.kind()) {
            case CREATED_ON_BEHALF -> "Somebody created an API token on your behalf.";
            case REVOKED_BY_OTHER -> "Somebody else revoked one of your API tokens; it no longer works.";
            case REVOKED_LEAKED -> "One of your API tokens was found where others can read it, so it was revoked at "
                    + "once and no longer works. Create a new one, and remove the old one from where it was found.";
            case EXPIRING -> "One of your API tokens expires soon. Rotate it or create a new one before then.";
        }).append("\n\n");
        line(b, "Token", n.tokenId());
        line(b, "By", n.actor());
        line(b, "When", n.at().toString());
        for (Map.Entry<String, String> e : n.details().entrySet()) {
            line(b, e.getKey(), e.getValue());
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(oneLine(key)).append(": ").append(oneLine(value)).append('\n');
    }

    private static String oneLine(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c)
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                ? ' ' : c));
        return out.toString();
    }

    @Override
    public String toString() {
        return "SmtpNotifier[" + session.getProperty("mail.smtp.host") + ":" + session.getProperty("mail.smtp.port") + "]";
    }

    /** Configures an {@link SmtpNotifier}; host and from are required. Each option may be set once. */
    public static final class Builder {
        private final UserDirectory directory;
        private String host;
        private int port = -1;
        private InternetAddress from;
        private String username;
        private String password;
        private boolean startTls;
        private Duration timeout;
        private String product;

        private Builder(UserDirectory directory) {
            this.directory = directory;
        }

        /**
         * The SMTP server and port.
         *
         * @param host the server's host name or address
         * @param port the server's port, 1-65535
         * @return this builder
         * @throws NullPointerException     if {@code host} is null
         * @throws IllegalArgumentException if {@code port} is out of range
         * @throws IllegalStateException    if already set
         */
        public Builder server(String host, int port) {
            SetOnce.check(this.host == null ? null : this.host + ":" + this.port, "server");
            this.host = Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The sender address.
         *
         * @param address the sender's e-mail address
         * @return this builder
         * @throws IllegalArgumentException if it is not one valid address
         * @throws NullPointerException  if {@code address} is null
         * @throws IllegalStateException if already set
         */
        public Builder from(String address) {
            SetOnce.check(this.from, "from");
            try {
                this.from = new InternetAddress(Objects.requireNonNull(address, "address"), true);
            } catch (AddressException e) {
                throw new IllegalArgumentException("from '" + address + "' is not an e-mail address: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * SMTP authentication. Default: none.
         *
         * @param username the SMTP user name
         * @param password the SMTP password
         * @return this builder
         * @throws NullPointerException  if an argument is null
         * @throws IllegalStateException if already set
         */
        public Builder credentials(String username, String password) {
            if (this.username != null) {
                throw new IllegalStateException("credentials were already set");
            }
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Require STARTTLS. Default: off (a relay on the same host).
         *
         * @return this builder
         */
        public Builder requireStartTls() {
            this.startTls = true;
            return this;
        }

        /**
         * Connect, read and write time-out. Default 5 s.
         *
         * @param timeout the time-out for connecting, reading and writing; positive
         * @return this builder
         * @throws NullPointerException     if {@code timeout} is null
         * @throws IllegalArgumentException if {@code timeout} is not positive
         * @throws IllegalStateException    if already set
         */
        public Builder timeout(Duration timeout) {
            SetOnce.check(this.timeout, "timeout");
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * The product name in subjects. Default {@code Latchkey}.
         *
         * @param name the name that starts each subject
         * @return this builder
         * @throws NullPointerException  if {@code name} is null
         * @throws IllegalStateException if already set
         */
        public Builder productName(String name) {
            SetOnce.check(this.product, "productName");
            this.product = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * The notifier.
         *
         * @return the notifier
         * @throws IllegalStateException if the server or the sender is missing
         */
        public SmtpNotifier build() {
            if (host == null) {
                throw new IllegalStateException("no SMTP server was set; use server(host, port)");
            }
            if (from == null) {
                throw new IllegalStateException("no sender was set; use from(\"latchkey@example.com\")");
            }
            return new SmtpNotifier(this);
        }
    }
}
