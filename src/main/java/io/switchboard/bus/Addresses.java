package io.switchboard.bus;

import io.switchboard.auth.Grants;
import io.switchboard.domain.Conversation;
import io.switchboard.domain.Message;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvents;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.domain.event.LinkRestored;
import io.switchboard.domain.event.ModuleChanged;
import io.switchboard.domain.event.ModuleCommand;
import io.switchboard.domain.Module;
import io.switchboard.domain.Banner;
import io.switchboard.persistence.store.BannerStore;
import io.switchboard.persistence.store.ModuleStore;
import io.switchboard.domain.event.ParticipantsReloaded;
import io.switchboard.domain.event.NotificationsStored;
import io.switchboard.domain.event.UserEvent;
import io.switchboard.domain.event.UserEvents;
import io.switchboard.domain.Notification;
import io.switchboard.domain.event.PermissionsChanged;
import io.switchboard.domain.event.SessionsRevoked;
import io.switchboard.domain.event.StoredMessages;
import io.switchboard.domain.Job;
import io.switchboard.domain.Page;
import io.switchboard.domain.Schedule;
import io.switchboard.domain.User;
import io.switchboard.persistence.store.AuditStore;
import io.switchboard.persistence.store.CaptchaStore;
import io.switchboard.persistence.store.JobStore;
import io.switchboard.persistence.store.LoginAttemptStore;
import io.switchboard.persistence.store.RetentionStore;
import io.switchboard.persistence.store.ScheduleStore;
import io.switchboard.domain.Group;
import io.switchboard.domain.Permission;
import io.switchboard.persistence.store.GroupStore;
import io.switchboard.persistence.store.MediaStore;
import io.switchboard.persistence.store.ConversationStore;
import io.switchboard.persistence.store.MessageStore;
import io.switchboard.persistence.store.NotificationStore;
import io.switchboard.persistence.store.SessionStore;
import io.switchboard.persistence.store.UserStore;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every event-bus address of a node, with its request and reply types. Requests are answered by
 * exactly one verticle; topics ({@code Address<E, Void>}) are published to every subscriber on the
 * node. Bodies are immutable records passed by reference ({@link LocalCodec}).
 */
public final class Addresses {

  private Addresses() {
  }

  // --- persistence verticle -------------------------------------------------------------------
  /** Runs {@code SELECT 1}; answers true while Postgres answers. */
  public static final Address<Void, Boolean> DB_PING = new Address<>("sb.db.ping");

  /** A user's grants (groups' permissions, superuser, disabled); 404 for an unknown user. */
  public static final Address<String, Grants> USER_GRANTS = new Address<>("sb.users.grants");
  /** Sessions revoked recently enough that their access tokens may still be unexpired (loaded at start). */
  public static final Address<Void, List<SessionsRevoked>> SESSIONS_RECENTLY_REVOKED = new Address<>("sb.sessions.recently-revoked");
  /** Sessions revoked after a time (epoch millis), one event per user: read back after an outage of the cluster link. */
  public static final Address<Long, List<SessionsRevoked>> SESSIONS_REVOKED_SINCE = new Address<>("sb.sessions.revoked-since");
  /** Deletes expired sessions, captchas, old revocations and passed login-attempt windows; answers the number of rows removed. */
  public static final Address<Void, Long> AUTH_PURGE = new Address<>("sb.auth.purge");
  public static final Address<UserStore.CreateUser, User> USER_CREATE = new Address<>("sb.users.create");
  /** The login record of a username (case-insensitive), or null. */
  public static final Address<String, UserStore.LoginRecord> USER_FIND_LOGIN = new Address<>("sb.users.find-login");
  public static final Address<String, User> USER_GET = new Address<>("sb.users.get");
  public static final Address<UserStore.Search, Page<User>> USER_SEARCH = new Address<>("sb.users.search");
  public static final Address<UserStore.UpdateUser, User> USER_UPDATE = new Address<>("sb.users.update");
  public static final Address<UserStore.SetPassword, User> USER_SET_PASSWORD = new Address<>("sb.users.set-password");
  public static final Address<UserStore.SetAvatar, User> USER_SET_AVATAR = new Address<>("sb.users.set-avatar");
  public static final Address<UserStore.SetGroups, User> USER_SET_GROUPS = new Address<>("sb.users.set-groups");

  public static final Address<GroupStore.Query, Page<Group>> GROUP_LIST = new Address<>("sb.groups.list");
  public static final Address<String, Group> GROUP_GET = new Address<>("sb.groups.get");
  /** Groups by name (case-insensitive); an unknown name is a 400 naming {@code groups}. */
  public static final Address<List<String>, List<Group>> GROUP_BY_NAMES = new Address<>("sb.groups.by-names");
  /** 409 for a duplicate name (case-insensitive), 400 for an unknown permission. */
  public static final Address<GroupStore.CreateGroup, Group> GROUP_CREATE = new Address<>("sb.groups.create");
  /** 409 for a duplicate name or renaming a built-in group. */
  public static final Address<GroupStore.UpdateGroup, Group> GROUP_UPDATE = new Address<>("sb.groups.update");
  /** Answers the deleted group; 409 for the built-in groups. */
  public static final Address<String, Group> GROUP_DELETE = new Address<>("sb.groups.delete");
  /** Replaces a group's permissions; 400 for an unknown permission. */
  public static final Address<GroupStore.SetPermissions, Group> GROUP_SET_PERMISSIONS = new Address<>("sb.groups.set-permissions");
  /** Every permission with its description. */
  public static final Address<Void, List<Permission>> PERMISSION_LIST = new Address<>("sb.permissions.list");

  /** Stores processed media; answers its id. */
  public static final Address<MediaStore.NewMedia, String> MEDIA_CREATE = new Address<>("sb.media.create");
  public static final Address<String, MediaStore.Media> MEDIA_GET = new Address<>("sb.media.get");
  public static final Address<String, Void> MEDIA_DELETE = new Address<>("sb.media.delete");
  /** Stores media under a given id unless it exists (a preset's picture, the same at every start); answers the id. */
  public static final Address<MediaStore.Put, String> MEDIA_PUT = new Address<>("sb.media.put");
  /** Deletes conversation pictures left without a message; answers how many. */
  public static final Address<Void, Integer> MEDIA_SWEEP = new Address<>("sb.media.sweep");
  /** Up to n storage keys of deleted media whose files are still to be deleted. */
  public static final Address<Integer, List<String>> MEDIA_TRASH = new Address<>("sb.media.trash");
  public static final Address<List<String>, Void> MEDIA_TRASH_EMPTIED = new Address<>("sb.media.trash-emptied");

  public static final Address<SessionStore.NewSession, String> SESSION_CREATE = new Address<>("sb.sessions.create");
  /** Spends a refresh token and stores its successor; a spent token revokes its session (401). */
  public static final Address<SessionStore.Rotate, SessionStore.Rotated> SESSION_ROTATE = new Address<>("sb.sessions.rotate");
  public static final Address<SessionStore.Revoke, SessionsRevoked> SESSION_REVOKE = new Address<>("sb.sessions.revoke");
  public static final Address<SessionStore.RevokeUser, SessionsRevoked> SESSION_REVOKE_USER = new Address<>("sb.sessions.revoke-user");

  public static final Address<AuditStore.Entry, Void> AUDIT_RECORD = new Address<>("sb.audit.record");
  public static final Address<AuditStore.Query, Page<AuditStore.Record>> AUDIT_LIST = new Address<>("sb.audit.list");

  /** Counts an attempt of a username (atomically; see {@link LoginAttemptStore}) and answers the count including it. */
  public static final Address<String, LoginAttemptStore.Taken> LOGIN_ATTEMPT_TAKE = new Address<>("sb.login-attempts.take");
  public static final Address<LoginAttemptStore.GiveBack, Void> LOGIN_ATTEMPT_GIVE_BACK = new Address<>("sb.login-attempts.give-back");

  public static final Address<CaptchaStore.NewCaptcha, String> CAPTCHA_CREATE = new Address<>("sb.captcha.create");
  /** True when the answer is right and the captcha unexpired; the captcha is spent either way. */
  public static final Address<CaptchaStore.Answer, Boolean> CAPTCHA_CONSUME = new Address<>("sb.captcha.consume");

  // --- schedules and jobs ----------------------------------------------------------------------
  public static final Address<Void, List<Schedule>> SCHEDULES_LIST = new Address<>("sb.schedules.list");
  /** Enabled schedules whose next tick is due. */
  public static final Address<Void, List<Schedule>> SCHEDULES_DUE = new Address<>("sb.schedules.due");
  /** True when this node won the tick (exactly one node does). */
  public static final Address<ScheduleStore.Claim, Boolean> SCHEDULE_CLAIM = new Address<>("sb.schedules.claim");
  public static final Address<ScheduleStore.Finish, Void> SCHEDULE_FINISH = new Address<>("sb.schedules.finish");
  public static final Address<ScheduleStore.Change, Schedule> SCHEDULE_CHANGE = new Address<>("sb.schedules.change");
  public static final Address<String, Schedule> SCHEDULE_RUN_NOW = new Address<>("sb.schedules.run-now");

  public static final Address<JobStore.Enqueue, Job> JOB_ENQUEUE = new Address<>("sb.jobs.enqueue");
  public static final Address<JobStore.ClaimBatch, List<Job>> JOB_CLAIM = new Address<>("sb.jobs.claim");
  public static final Address<JobStore.Succeeded, Void> JOB_SUCCEEDED = new Address<>("sb.jobs.succeeded");
  public static final Address<JobStore.Failed, Void> JOB_FAILED = new Address<>("sb.jobs.failed");
  public static final Address<JobStore.Query, Page<Job>> JOB_LIST = new Address<>("sb.jobs.list");
  public static final Address<String, Job> JOB_RETRY = new Address<>("sb.jobs.retry");
  /** Jobs queued or running. */
  public static final Address<Void, Long> JOB_QUEUE_DEPTH = new Address<>("sb.jobs.depth");
  /** One bounded batch of retention purging; answers the number of messages deleted. */
  public static final Address<RetentionStore.Batch, Integer> RETENTION_PURGE = new Address<>("sb.retention.purge");
  /** Deletes finished jobs and schedule runs older than 7 days. */
  public static final Address<Void, Long> JOBS_PURGE = new Address<>("sb.jobs.purge");
  /** Creates a conversation; a second direct one of the same pair answers the first (created false). */
  public static final Address<ConversationStore.Create, ConversationStore.Created> CONVERSATION_CREATE = new Address<>("sb.conversations.create");
  /** A conversation by id or room name and whether the user takes part; 404 when there is none. */
  public static final Address<ConversationStore.Lookup, ConversationStore.Access> CONVERSATION_LOOKUP = new Address<>("sb.conversations.lookup");
  /** The seq of a conversation's newest message. */
  public static final Address<String, Long> CONVERSATION_LAST_SEQ = new Address<>("sb.conversations.last-seq");
  public static final Address<String, List<ConversationStore.Participant>> CONVERSATION_PARTICIPANTS = new Address<>("sb.conversations.participants");
  /** The participants' user ids of each of several conversations (one statement), by conversation id. */
  public static final Address<List<String>, Map<String, Set<String>>> CONVERSATION_PARTICIPANTS_OF =
      new Address<>("sb.conversations.participants-of");
  /** The user's conversations, most recent activity first, with unread counts. */
  public static final Address<ConversationStore.Mine, Page<ConversationStore.Summary>> CONVERSATION_MINE = new Address<>("sb.conversations.mine");
  public static final Address<ConversationStore.Rooms, Page<ConversationStore.Room>> CONVERSATION_PUBLIC_ROOMS = new Address<>("sb.conversations.rooms");
  public static final Address<ConversationStore.Membership, Void> PARTICIPANT_ADD = new Address<>("sb.conversations.participant-add");
  /** Answers whether the user was a participant. */
  public static final Address<ConversationStore.Membership, Boolean> PARTICIPANT_REMOVE = new Address<>("sb.conversations.participant-remove");
  public static final Address<ConversationStore.Update, Conversation> CONVERSATION_UPDATE = new Address<>("sb.conversations.update");
  /** Moves a read marker forward; answers the marker. */
  public static final Address<ConversationStore.MarkRead, ConversationStore.ReadMarker> CONVERSATION_MARK_READ = new Address<>("sb.conversations.mark-read");

  /** Stores a message (seq taken in the same transaction); a retried clientMsgId answers the original. */
  public static final Address<MessageStore.Send, MessageStore.Sent> MESSAGE_SEND = new Address<>("sb.messages.send");
  public static final Address<MessageStore.History, MessageStore.HistoryPage> MESSAGE_HISTORY = new Address<>("sb.messages.history");
  /** Committed messages in a seq range, ascending (replay and gap filling). */
  public static final Address<MessageStore.Range, List<Message>> MESSAGE_RANGE = new Address<>("sb.messages.range");
  public static final Address<MessageStore.Recall, Message> MESSAGE_RECALL = new Address<>("sb.messages.recall");
  public static final Address<MessageStore.Delete, Message> MESSAGE_DELETE = new Address<>("sb.messages.delete");
  /** Stores a system message (an announcement); announced like any committed message. */
  public static final Address<MessageStore.SystemMessage, Message> MESSAGE_SYSTEM = new Address<>("sb.messages.system");

  /** Stores a notification for its recipients in one transaction; answers its uuid and the number of recipients. */
  public static final Address<NotificationStore.Send, NotificationStore.Sent> NOTIFICATION_SEND = new Address<>("sb.notifications.send");
  /** How many users a send would reach (a preview: nothing is stored). */
  public static final Address<NotificationStore.Send, Long> NOTIFICATION_COUNT_RECIPIENTS = new Address<>("sb.notifications.count-recipients");
  /** A page of the user's notifications, newest first, and their unread count. */
  public static final Address<NotificationStore.Query, NotificationStore.Listing> NOTIFICATION_LIST = new Address<>("sb.notifications.list");
  /** Marks one of the user's notifications read; 404 when the user has none with that id. */
  public static final Address<NotificationStore.MarkRead, Void> NOTIFICATION_MARK_READ = new Address<>("sb.notifications.mark-read");
  /** Marks every notification of the user (by id) read; answers how many were unread. */
  public static final Address<String, Integer> NOTIFICATION_MARK_ALL_READ = new Address<>("sb.notifications.mark-all-read");
  /** The user's newest notification id (0 before the first). */
  public static final Address<String, Long> NOTIFICATION_LAST_ID = new Address<>("sb.notifications.last-id");
  /** The user's notifications with ids in a range, ascending (replay and gap filling). */
  public static final Address<NotificationStore.Range, List<Notification>> NOTIFICATION_RANGE = new Address<>("sb.notifications.range");
  /** One bounded batch of purging expired notifications. */
  public static final Address<NotificationStore.Purge, NotificationStore.Purged> NOTIFICATION_PURGE = new Address<>("sb.notifications.purge");

  /** Registers a module (or updates the one of that name); answers its hash. */
  public static final Address<ModuleStore.Register, String> MODULE_REGISTER = new Address<>("sb.modules.register");
  /** A module by hash; 404 when unknown. */
  public static final Address<String, Module> MODULE_FIND = new Address<>("sb.modules.find");
  /** The modules online now (a hash, or null for all), by name. */
  public static final Address<String, List<Module>> MODULE_ONLINE = new Address<>("sb.modules.online");
  public static final Address<ModuleStore.Query, Page<Module>> MODULE_LIST = new Address<>("sb.modules.list");
  /** A socket takes a module over (online from now); 404 for an unknown hash. */
  public static final Address<ModuleStore.Connect, ModuleStore.Connected> MODULE_CONNECT = new Address<>("sb.modules.connect");
  /** A module socket closed: offline unless another socket holds the module now. */
  public static final Address<ModuleStore.Disconnect, ModuleStore.Changes> MODULE_DISCONNECT = new Address<>("sb.modules.disconnect");
  /** A node's batch of last heartbeats, one statement; answers the connections that still hold their module. */
  public static final Address<ModuleStore.Heartbeats, ModuleStore.Written> MODULE_HEARTBEATS = new Address<>("sb.modules.heartbeats");
  /** Sets offline the modules silent for longer than the timeout (seconds), whichever node held them. */
  public static final Address<Integer, ModuleStore.Changes> MODULE_EXPIRE = new Address<>("sb.modules.expire");
  /** Forgets a module; 404 when unknown. */
  public static final Address<String, ModuleStore.Deleted> MODULE_DELETE = new Address<>("sb.modules.delete");

  /** The global banner, if any. */
  public static final Address<Void, java.util.Optional<Banner>> BANNER_GET = new Address<>("sb.banner.get");
  public static final Address<BannerStore.Set, Banner> BANNER_SET = new Address<>("sb.banner.set");
  /** Clears the banner; answers when. */
  public static final Address<Void, java.time.Instant> BANNER_CLEAR = new Address<>("sb.banner.clear");

  // --- gateway verticle (node-wide module sockets) --------------------------------------------
  /** Sends a command to a module's socket on whichever node holds it; 404 offline, 504 unconfirmed. */
  public static final Address<ModuleCommand, ModuleCommand.Delivered> MODULE_COMMAND = new Address<>("sb.gateway.module-command");
  /** Deletes a module and closes its socket (4404) on whichever node holds it; 404 when unknown. */
  public static final Address<String, Void> MODULE_REMOVE = new Address<>("sb.gateway.module-remove");

  // --- topics (published on the node; the cluster bridge carries them between nodes) ----------
  /** Sessions that ended: their access tokens stop working and their sockets close. */
  public static final Address<SessionsRevoked, Void> SESSIONS_REVOKED = new Address<>("sb.topic.sessions-revoked");
  /** Group membership or group permissions changed; userId null means "anyone". */
  public static final Address<PermissionsChanged, Void> PERMISSIONS_CHANGED = new Address<>("sb.topic.permissions-changed");

  /**
   * Messages were committed (not retried duplicates), all those of one group commit in one event.
   * Published by the persistence verticle, from its one event loop, in commit order, which is seq
   * order within a conversation; the gateway verticle, one consumer on one event loop, encodes each
   * frame once and fans them out in that order ({@link #LOCAL_MESSAGES}, the cluster link), so the
   * sockets' hubs do not see seqs out of order (and read nothing back from Postgres) however the
   * senders are spread over event loops. One event per commit rather than per message: the event
   * bus hops are paid per batch.
   */
  public static final Address<StoredMessages, Void> MESSAGES_STORED = new Address<>("sb.topic.messages-stored");

  /**
   * This node's committed messages, as events of their conversations, in commit order: one event
   * per group commit for every hub of the node, which takes those of the conversations it holds.
   * Other nodes' messages and every other kind of event come on {@link #conversationTopic(String)}.
   */
  public static final Address<ConversationEvents, Void> LOCAL_MESSAGES = new Address<>("sb.topic.local-messages");

  /**
   * A notification was committed for its recipients (each with its per-user id). Published by the
   * persistence verticle; the gateway verticle pushes it to the user topics in bounded chunks.
   */
  public static final Address<NotificationsStored, Void> NOTIFICATIONS_STORED = new Address<>("sb.topic.notifications-stored");

  /** One bounded chunk of this node's user events, for every user hub of the node. */
  public static final Address<UserEvents, Void> LOCAL_USER_EVENTS = new Address<>("sb.topic.local-user-events");

  /**
   * A module went online or offline. Published by the persistence verticle of the node that wrote the
   * change; the gateway verticle sends it to every node as a {@link Broadcast}.
   */
  public static final Address<ModuleChanged, Void> MODULE_CHANGED = new Address<>("sb.topic.module-changed");

  /** Sends a frame to everyone, on every node: the gateway verticle hands it to the broker ({@link #LOCAL_BROADCAST} on each node). */
  public static final Address<Broadcast, Void> BROADCAST = new Address<>("sb.topic.broadcast");

  /** A frame for every notification socket and stream of the node whose user holds its permission, from any node. */
  public static final Address<Broadcast, Void> LOCAL_BROADCAST = new Address<>("sb.topic.local-broadcast");

  /** The cluster link is back after an outage: hubs catch up from Postgres. */
  public static final Address<LinkRestored, Void> LINK_RESTORED = new Address<>("sb.topic.link-restored");

  /**
   * After an outage of the cluster link, the current participants of the conversations the node holds
   * sockets of: every hub closes the sockets of those no longer taking part as a removal would.
   */
  public static final Address<ParticipantsReloaded, Void> PARTICIPANTS_RELOADED = new Address<>("sb.topic.participants-reloaded");

  /** Prefix of the per-conversation topics; see {@link #conversationTopic(String)}. */
  public static final String CONVERSATION_TOPIC_PREFIX = "sb.topic.conversation.";

  /** Events of one conversation, delivered to the node's sockets of that conversation. */
  public static Address<ConversationEvent, Void> conversationTopic(String conversationId) {
    return new Address<>(CONVERSATION_TOPIC_PREFIX + conversationId);
  }

  /** Prefix of the per-user topics; see {@link #userTopic(String)}. */
  public static final String USER_TOPIC_PREFIX = "sb.topic.user.";

  /** Events for one user from other nodes, delivered to the node's sockets and streams of that user. */
  public static Address<UserEvent, Void> userTopic(String userId) {
    return new Address<>(USER_TOPIC_PREFIX + userId);
  }
}
