package dev.latchkey.benchmarks.core;

import dev.latchkey.benchmarks.TokenText;
import java.util.Random;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;

/**
 * What many home-grown token stores do: hash the token like a password and verify it with the password
 * encoder. Each encoder with spring-security-crypto's defaults: BCrypt strength 10, Argon2 and PBKDF2 with
 * the "v5_8" defaults (Argon2id 16 MiB / 2 iterations; PBKDF2-HMAC-SHA256 310,000 iterations). The token has
 * the same shape as the engine's.
 */
@State(Scope.Benchmark)
public class RivalState {
    public String token;
    public BCryptPasswordEncoder bcrypt;
    public String bcryptHash;
    public Argon2PasswordEncoder argon2;
    public String argon2Hash;
    public Pbkdf2PasswordEncoder pbkdf2;
    public String pbkdf2Hash;

    @Setup(Level.Trial)
    public void setUp() {
        token = TokenText.personal(new Random(7));
        bcrypt = new BCryptPasswordEncoder();
        bcryptHash = bcrypt.encode(token);
        argon2 = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
        argon2Hash = argon2.encode(token);
        pbkdf2 = Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8();
        pbkdf2Hash = pbkdf2.encode(token);
    }
}
