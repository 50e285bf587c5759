package dev.latchkey.core;

import dev.latchkey.core.internal.text.SafeText;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who holds a capability: everyone, nobody, or members of any of a set of groups.
 *
 * @param all    whether every (active) user holds it
 * @param groups groups whose members hold it (ignored when {@code all})
 *
 * @since 0.1
 */
public record GroupRule(boolean all, Set<String> groups) {
    /**
     * Checks the group names and keeps an immutable copy of them.
     *
     * @param all    whether every (active) user holds it
     * @param groups groups whose members hold it
     * @throws NullPointerException     if {@code groups} or a group name is null
     * @throws IllegalArgumentException if a group name is blank or {@code *}
     */
    public GroupRule {
        groups = Set.copyOf(new TreeSet<>(Objects.requireNonNull(groups, "groups")));
        for (String g : groups) {
            if (g.isBlank() || g.equals("*")) {
                throw new IllegalArgumentException("group names must not be blank or '*'; use GroupRule.everyone()");
            }
        }
    }

    /**
     * A rule every active user satisfies.
     *
     * @return the rule for everyone
     */
    public static GroupRule everyone() {
        return new GroupRule(true, Set.of());
    }

    /**
     * A rule no user satisfies.
     *
     * @return the rule for nobody
     */
    public static GroupRule nobody() {
        return new GroupRule(false, Set.of());
    }

    /**
     * A rule that members of any of {@code groups} satisfy.
     *
     * @param groups the group names; none blank or {@code *}
     * @return the rule; with no group it admits nobody
     * @throws NullPointerException     if a group name is null
     * @throws IllegalArgumentException if a group name is blank, {@code *} or given twice
     */
    public static GroupRule groups(String... groups) {
        return new GroupRule(false, Set.of(groups));
    }

    /**
     * Whether a member of {@code userGroups} holds the capability.
     *
     * @param userGroups the groups the user is a member of
     * @return true if the rule is everyone, or the user is in one of its groups
     */
    public boolean admits(Collection<String> userGroups) {
        if (all) {
            return true;
        }
        for (String g : userGroups) {
            if (groups.contains(g)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code *} for everyone, empty for nobody, else the groups separated by commas.
     *
     * @return the rule as text
     */
    public String toText() {
        return all ? "*" : String.join(",", groups);
    }

    /**
     * Parses {@link #toText()}'s form.
     *
     * @param setting the setting's name, for the error message
     * @param text    {@code *}, an empty text, or group names separated by commas
     * @return the rule the text describes
     * @throws ValidationException naming {@code setting} if the text is not valid
     */
    public static GroupRule parse(String setting, String text) {
        String t = text.strip();
        if (t.equals("*")) {
            return everyone();
        }
        if (t.isEmpty()) {
            return nobody();
        }
        Set<String> gs = new TreeSet<>();
        for (String part : t.split(",", -1)) {
            String g = part.strip();
            if (g.isEmpty() || g.equals("*")) {
                throw new ValidationException(setting, SafeText.quote(text) + " is not a group list: use '*' for everyone, "
                        + "an empty value for nobody, or group names separated by commas");
            }
            gs.add(g);
        }
        return new GroupRule(false, gs);
    }
}
