package io.switchboard.http.api;

import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Group;
import io.switchboard.domain.User;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * No one grants what they do not hold (SPEC §3). Only a superuser creates, changes or disables a
 * superuser, sets the superuser flag, changes the {@code admin} group or its members, changes a
 * group it is in, or changes its own groups. Everyone else grants only permissions they hold
 * themselves, directly (a group's permissions) or through membership (putting a user into, or taking
 * one out of, a group). Every refusal is a 403 naming the rule.
 */
final class GrantPolicy {

  static final String ADMIN_GROUP = "admin";

  private final Vertx vertx;

  GrantPolicy(Vertx vertx) {
    this.vertx = vertx;
  }

  static Future<Void> superuserOnly(Principal caller, boolean needed, String what) {
    return needed && !caller.grants().superuser()
        ? Future.failedFuture(ApiException.forbidden("only a superuser may " + what))
        : Future.succeededFuture();
  }

  /** The caller may change this user at all: a superuser target needs a superuser caller. */
  Future<User> changeableUser(Principal caller, String userId) {
    return Bus.request(vertx, Addresses.USER_GET, userId)
        .compose(user -> superuserOnly(caller, user.superuser(), "change or disable a superuser").map(user));
  }

  /**
   * The caller may move users into or out of these groups: {@code admin} needs a superuser, and
   * every other group may grant only permissions the caller holds.
   */
  Future<Void> mayAssign(Principal caller, Collection<String> groupNames) {
    if (groupNames.isEmpty() || caller.grants().superuser()) {
      return Future.succeededFuture();
    }
    return Bus.request(vertx, Addresses.GROUP_BY_NAMES, List.copyOf(groupNames)).compose(groups -> {
      for (Group group : groups) {
        if (isAdmin(group)) {
          return Future.failedFuture(ApiException.forbidden("only a superuser may change who is in the admin group"));
        }
        Set<String> lacking = lacking(caller, group.permissions());
        if (!lacking.isEmpty()) {
          return Future.failedFuture(ApiException.forbidden("group " + group.name() + " grants permissions you do not hold: "
              + String.join(", ", lacking)));
        }
      }
      return Future.succeededFuture();
    });
  }

  /** The caller may change (rename, delete, regrant) this group: not admin, not one of its own groups. */
  Future<Group> changeableGroup(Principal caller, String groupId) {
    if (caller.grants().superuser()) {
      return Bus.request(vertx, Addresses.GROUP_GET, groupId);
    }
    return Future.all(Bus.request(vertx, Addresses.GROUP_GET, groupId), Bus.request(vertx, Addresses.USER_GET, caller.userId()))
        .compose(all -> {
          Group group = all.resultAt(0);
          User self = all.resultAt(1);
          if (isAdmin(group)) {
            return Future.failedFuture(ApiException.forbidden("only a superuser may change the admin group"));
          }
          if (self.groups().stream().anyMatch(name -> name.equalsIgnoreCase(group.name()))) {
            return Future.failedFuture(ApiException.forbidden("only a superuser may change a group they are in"));
          }
          return Future.succeededFuture(group);
        });
  }

  /** The caller holds every one of these permissions. */
  static Future<Void> mayGrant(Principal caller, Collection<String> permissions) {
    Set<String> lacking = lacking(caller, permissions);
    return lacking.isEmpty()
        ? Future.succeededFuture()
        : Future.failedFuture(ApiException.forbidden("you may grant only permissions you hold; missing: " + String.join(", ", lacking)));
  }

  /** What changes between two sets: added or removed (case-insensitive for group names). */
  static Set<String> changed(Collection<String> before, Collection<String> after) {
    Set<String> a = lower(before);
    Set<String> b = lower(after);
    Set<String> diff = new TreeSet<>(a);
    diff.addAll(b);
    Set<String> both = new HashSet<>(a);
    both.retainAll(b);
    diff.removeAll(both);
    return diff;
  }

  private static Set<String> lower(Collection<String> names) {
    Set<String> out = new HashSet<>();
    names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
    return out;
  }

  private static Set<String> lacking(Principal caller, Collection<String> permissions) {
    Set<String> lacking = new TreeSet<>();
    for (String p : permissions) {
      if (!caller.allows(p)) {
        lacking.add(p);
      }
    }
    return lacking;
  }

  private static boolean isAdmin(Group group) {
    return ADMIN_GROUP.equalsIgnoreCase(group.name());
  }
}
