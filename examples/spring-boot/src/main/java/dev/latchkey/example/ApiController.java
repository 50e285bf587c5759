package dev.latchkey.example;

import dev.latchkey.spring.LatchkeyAuthentication;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The example's API: who am I, and a list of notes that tokens with enough scope may change. */
@RestController
public class ApiController {
    private final List<String> notes = new CopyOnWriteArrayList<>();

    /** The signed-in user: a form login session, a password, or a Latchkey token of that user. */
    @GetMapping("/api/me")
    public Map<String, Object> me(@AuthenticationPrincipal UserDetails user, Authentication authentication) {
        return Map.of("user", user.getUsername(),
                "authorities", authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).sorted().toList(),
                "token", authentication instanceof LatchkeyAuthentication t
                        ? Map.of("id", t.getToken().id(), "level", t.getLevel().name(), "kind", t.getToken().kind().name())
                        : Map.of());
    }

    /** A caller authenticated by a JWT from the identity provider. */
    @GetMapping("/api/jwt")
    public Map<String, Object> jwt(@AuthenticationPrincipal Jwt jwt) {
        return Map.of("subject", jwt.getSubject());
    }

    /** Anyone signed in may read. */
    @GetMapping("/api/notes")
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Writing needs WRITE: Latchkey refuses a READ token before this runs (403 insufficient_scope). */
    @PostMapping("/api/notes")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, Object> add(@RequestBody String note) {
        notes.add(note);
        return Map.of("count", notes.size());
    }

    /** Clearing needs a token of level ADMIN (method security); other callers just need to be signed in. */
    @DeleteMapping("/api/notes")
    @PreAuthorize("@latchkey.hasLevel('ADMIN')")
    public Map<String, Object> clear() {
        notes.clear();
        return Map.of("count", 0);
    }
}
