package io.switchboard.persistence;

import io.switchboard.NodeContext;
import io.switchboard.auth.AccessChanges;
import io.switchboard.auth.LoginThrottle;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.config.Settings;
import io.switchboard.domain.Message;
import io.switchboard.domain.event.StoredMessages;
import io.switchboard.persistence.store.AuditStore;
import io.switchboard.persistence.store.BannerStore;
import io.switchboard.persistence.store.CaptchaStore;
import io.switchboard.persistence.store.JobStore;
import io.switchboard.persistence.store.LoginAttemptStore;
import io.switchboard.persistence.store.RetentionStore;
import io.switchboard.persistence.store.ScheduleStore;
import io.switchboard.persistence.store.GroupStore;
import io.switchboard.persistence.store.MediaStore;
import io.switchboard.persistence.store.ConversationStore;
import io.switchboard.persistence.store.MessageStore;
import io.switchboard.persistence.store.ModuleStore;
import io.switchboard.domain.event.ModuleChanged;
import io.switchboard.persistence.store.NotificationStore;
import io.switchboard.persistence.store.SessionStore;
import io.switchboard.persistence.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Owns the Postgres pool and answers every persistence request on the bus. The only verticle that
 * runs SQL; each store keeps its SQL beside its row mapping.
 */
public final class PersistenceVerticle extends VerticleBase {

  private final NodeContext node;
  private final DatabaseUrl url;
  private Pool pool;
  private Pool sendPool;
  /** Messages committed in the current event-loop task, not yet announced; null when none. */
  private List<Message> announcing;

  public PersistenceVerticle(NodeContext node, DatabaseUrl url) {
    this.node = node;
    this.url = url;
  }

  @Override
  public Future<?> start() {
    // every statement is prepared once per connection and planned once (generic plans): the batch
    // statements (longer than the client's default cacheable length) cost more to plan than to run
    PgConnectOptions connect = url.options().setPipeliningLimit(256)
        .setCachePreparedStatements(true).setPreparedStatementCacheSqlLimit(16_384)
        .addProperty("plan_cache_mode", "force_generic_plan");
    pool = PgBuilder.pool()
        // a request that finds every connection busy and the wait queue full fails at once with
        // ConnectionPoolTooBusyException, which Bus answers as 503 unavailable. The pool is not
        // pipelined (plain PoolOptions), so each connection serves one statement at a time and the
        // queue starts to fill as soon as the connections are busy; the connection's pipelining limit
        // below only matters to connections taken out of the pool (transactions).
        .with(new PoolOptions().setMaxSize(node.config().get(Settings.PG_POOL_SIZE))
            .setMaxWaitQueueSize(node.config().get(Settings.PG_MAX_WAIT_QUEUE))
            .setName("switchboard"))
        .connectingTo(connect)
        .using(vertx)
        .build();
    // the group commit's own connections, one per batch in flight: its statements are planned once per
    // connection (generic plans), perhaps while the tables are still small, and a plan made then would
    // scan (even hash) a whole table once it has grown (seen: messages hashed for every batch); without
    // sequential scans the planner walks the indexes those statements are written for, whatever the sizes
    sendPool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(MessageStore.MAX_IN_FLIGHT).setMaxWaitQueueSize(node.config().get(Settings.PG_MAX_WAIT_QUEUE))
            .setName("switchboard-send"))
        .connectingTo(new PgConnectOptions(connect).addProperty("enable_seqscan", "off"))
        .using(vertx)
        .build();
    Bus.consume(vertx, Addresses.DB_PING, v -> pool.query("SELECT 1").execute().map(rows -> true));
    UserStore users = new UserStore(pool);
    Bus.consume(vertx, Addresses.USER_GRANTS, users::grants);
    var config = node.config();
    SessionStore sessions = new SessionStore(pool, config.get(Settings.ACCESS_TOKEN_TTL), config.get(Settings.REFRESH_TOKEN_TTL),
        event -> AccessChanges.revoked(vertx, node, event));
    Bus.consume(vertx, Addresses.SESSIONS_RECENTLY_REVOKED, v -> sessions.recentlyRevoked());
    Bus.consume(vertx, Addresses.SESSIONS_REVOKED_SINCE, sessions::revokedSince);
    LoginAttemptStore attempts = new LoginAttemptStore(pool, LoginThrottle.WINDOW_SECONDS);
    Bus.consume(vertx, Addresses.LOGIN_ATTEMPT_TAKE, attempts::take);
    Bus.consume(vertx, Addresses.LOGIN_ATTEMPT_GIVE_BACK, attempts::giveBack);
    Bus.consume(vertx, Addresses.AUTH_PURGE, v -> sessions.purge().compose(n -> attempts.purge().map(m -> n + m)));
    Bus.consume(vertx, Addresses.USER_CREATE, users::create);
    Bus.consume(vertx, Addresses.USER_FIND_LOGIN, users::findForLogin);
    Bus.consume(vertx, Addresses.USER_GET, users::get);
    Bus.consume(vertx, Addresses.USER_SEARCH, users::search);
    Bus.consume(vertx, Addresses.USER_UPDATE, users::update);
    Bus.consume(vertx, Addresses.USER_SET_PASSWORD, users::setPassword);
    Bus.consume(vertx, Addresses.USER_SET_AVATAR, users::setAvatar);
    Bus.consume(vertx, Addresses.USER_SET_GROUPS, users::setGroups);
    Bus.consume(vertx, Addresses.SESSION_CREATE, sessions::create);
    Bus.consume(vertx, Addresses.SESSION_ROTATE, sessions::rotate);
    Bus.consume(vertx, Addresses.SESSION_REVOKE, sessions::revoke);
    Bus.consume(vertx, Addresses.SESSION_REVOKE_USER, sessions::revokeUser);
    AuditStore audit = new AuditStore(pool);
    Bus.consume(vertx, Addresses.AUDIT_RECORD, audit::record);
    Bus.consume(vertx, Addresses.AUDIT_LIST, audit::list);
    CaptchaStore captchas = new CaptchaStore(pool);
    Bus.consume(vertx, Addresses.CAPTCHA_CREATE, captchas::create);
    Bus.consume(vertx, Addresses.CAPTCHA_CONSUME, captchas::consume);
    ScheduleStore schedules = new ScheduleStore(pool);
    Bus.consume(vertx, Addresses.SCHEDULES_LIST, v -> schedules.list());
    Bus.consume(vertx, Addresses.SCHEDULES_DUE, v -> schedules.due());
    Bus.consume(vertx, Addresses.SCHEDULE_CLAIM, schedules::claim);
    Bus.consume(vertx, Addresses.SCHEDULE_FINISH, schedules::finish);
    Bus.consume(vertx, Addresses.SCHEDULE_CHANGE, schedules::change);
    Bus.consume(vertx, Addresses.SCHEDULE_RUN_NOW, schedules::runNow);
    JobStore jobs = new JobStore(pool);
    Bus.consume(vertx, Addresses.JOB_ENQUEUE, jobs::enqueue);
    Bus.consume(vertx, Addresses.JOB_CLAIM, jobs::claim);
    Bus.consume(vertx, Addresses.JOB_SUCCEEDED, jobs::succeeded);
    Bus.consume(vertx, Addresses.JOB_FAILED, jobs::failed);
    Bus.consume(vertx, Addresses.JOB_LIST, jobs::list);
    Bus.consume(vertx, Addresses.JOB_RETRY, jobs::retry);
    Bus.consume(vertx, Addresses.JOB_QUEUE_DEPTH, v -> jobs.depth());
    MediaStore media = new MediaStore(pool);
    Bus.consume(vertx, Addresses.JOBS_PURGE, v -> jobs.purge());
    Bus.consume(vertx, Addresses.MEDIA_SWEEP, v -> media.sweep());
    Bus.consume(vertx, Addresses.MEDIA_TRASH, media::trash);
    Bus.consume(vertx, Addresses.MEDIA_TRASH_EMPTIED, media::emptied);
    RetentionStore retention = new RetentionStore(pool);
    Bus.consume(vertx, Addresses.RETENTION_PURGE, retention::purge);
    GroupStore groups = new GroupStore(pool);
    Bus.consume(vertx, Addresses.GROUP_LIST, groups::list);
    Bus.consume(vertx, Addresses.GROUP_GET, groups::get);
    Bus.consume(vertx, Addresses.GROUP_BY_NAMES, groups::byNames);
    Bus.consume(vertx, Addresses.GROUP_CREATE, groups::create);
    Bus.consume(vertx, Addresses.GROUP_UPDATE, groups::update);
    Bus.consume(vertx, Addresses.GROUP_DELETE, groups::delete);
    Bus.consume(vertx, Addresses.GROUP_SET_PERMISSIONS, groups::setPermissions);
    Bus.consume(vertx, Addresses.PERMISSION_LIST, v -> groups.permissions());
    Bus.consume(vertx, Addresses.MEDIA_CREATE, media::create);
    Bus.consume(vertx, Addresses.MEDIA_GET, media::get);
    Bus.consume(vertx, Addresses.MEDIA_DELETE, media::delete);
    Bus.consume(vertx, Addresses.MEDIA_PUT, media::put);
    ConversationStore conversations = new ConversationStore(pool);
    Bus.consume(vertx, Addresses.CONVERSATION_CREATE, conversations::create);
    Bus.consume(vertx, Addresses.CONVERSATION_LOOKUP, conversations::lookup);
    Bus.consume(vertx, Addresses.CONVERSATION_LAST_SEQ, conversations::lastSeq);
    Bus.consume(vertx, Addresses.CONVERSATION_PARTICIPANTS, conversations::participants);
    Bus.consume(vertx, Addresses.CONVERSATION_PARTICIPANTS_OF, conversations::participantsOf);
    Bus.consume(vertx, Addresses.CONVERSATION_MINE, conversations::mine);
    Bus.consume(vertx, Addresses.CONVERSATION_PUBLIC_ROOMS, conversations::rooms);
    Bus.consume(vertx, Addresses.PARTICIPANT_ADD, conversations::add);
    Bus.consume(vertx, Addresses.PARTICIPANT_REMOVE, conversations::remove);
    Bus.consume(vertx, Addresses.CONVERSATION_UPDATE, conversations::update);
    Bus.consume(vertx, Addresses.CONVERSATION_MARK_READ, conversations::markRead);
    MessageStore messages = new MessageStore(pool, sendPool, node.meters().groupCommitSize());
    Bus.consume(vertx, Addresses.MESSAGE_SEND, send -> messages.send(send).onSuccess(sent -> {
      if (!sent.duplicate()) {
        announce(sent.message());
      }
    }));
    Bus.consume(vertx, Addresses.MESSAGE_SYSTEM, m -> messages.system(m).onSuccess(this::announce));
    Bus.consume(vertx, Addresses.MESSAGE_HISTORY, messages::history);
    Bus.consume(vertx, Addresses.MESSAGE_RANGE, messages::range);
    Bus.consume(vertx, Addresses.MESSAGE_RECALL, messages::recall);
    Bus.consume(vertx, Addresses.MESSAGE_DELETE, messages::delete);
    NotificationStore notifications = new NotificationStore(pool);
    // announced once committed, for the live push to the recipients' sockets
    Bus.consume(vertx, Addresses.NOTIFICATION_SEND, send -> notifications.send(send)
        .onSuccess(sent -> Bus.publish(vertx, Addresses.NOTIFICATIONS_STORED, sent.stored())));
    Bus.consume(vertx, Addresses.NOTIFICATION_COUNT_RECIPIENTS, notifications::countRecipients);
    Bus.consume(vertx, Addresses.NOTIFICATION_LAST_ID, notifications::lastId);
    Bus.consume(vertx, Addresses.NOTIFICATION_RANGE, notifications::range);
    Bus.consume(vertx, Addresses.NOTIFICATION_LIST, notifications::list);
    Bus.consume(vertx, Addresses.NOTIFICATION_MARK_READ, notifications::markRead);
    Bus.consume(vertx, Addresses.NOTIFICATION_MARK_ALL_READ, notifications::markAllRead);
    Bus.consume(vertx, Addresses.NOTIFICATION_PURGE, notifications::purge);
    ModuleStore modules = new ModuleStore(pool, config.get(Settings.NOTIFY_WEBHOOK_URL), config.get(Settings.JOBS_MAX_ATTEMPTS),
        config.get(Settings.MODULE_ALERT_COALESCE_SECONDS));
    Bus.consume(vertx, Addresses.MODULE_REGISTER, modules::register);
    Bus.consume(vertx, Addresses.MODULE_FIND, modules::find);
    Bus.consume(vertx, Addresses.MODULE_ONLINE, modules::online);
    Bus.consume(vertx, Addresses.MODULE_LIST, modules::list);
    Bus.consume(vertx, Addresses.MODULE_HEARTBEATS, modules::heartbeats);
    // every online/offline change, once committed, is announced to the node (and from there to every node's sockets)
    Bus.consume(vertx, Addresses.MODULE_CONNECT, c -> modules.connect(c).onSuccess(done -> announce(done.change())));
    Bus.consume(vertx, Addresses.MODULE_DISCONNECT, d -> modules.disconnect(d).onSuccess(done -> done.changes().forEach(this::announce)));
    Bus.consume(vertx, Addresses.MODULE_EXPIRE, t -> modules.expire(t).onSuccess(done -> done.changes().forEach(this::announce)));
    Bus.consume(vertx, Addresses.MODULE_DELETE, h -> modules.delete(h).onSuccess(done -> announce(done.change())));
    BannerStore banner = new BannerStore(pool);
    Bus.consume(vertx, Addresses.BANNER_GET, v -> banner.get());
    Bus.consume(vertx, Addresses.BANNER_SET, banner::set);
    Bus.consume(vertx, Addresses.BANNER_CLEAR, v -> banner.clear());
    return pool.query("SELECT 1").execute();
  }

  private void announce(ModuleChanged change) {
    if (change != null) {
      Bus.publish(vertx, Addresses.MODULE_CHANGED, change);
    }
  }

  /**
   * A group commit completes its messages in one event-loop task; they are announced together, in
   * commit order, once that task is over ({@link Addresses#MESSAGES_STORED}).
   */
  private void announce(Message message) {
    if (announcing == null) {
      announcing = new ArrayList<>();
      long committed = System.nanoTime();
      context.runOnContext(v -> {
        List<Message> batch = announcing;
        announcing = null;
        Bus.publish(vertx, Addresses.MESSAGES_STORED, new StoredMessages(batch, committed));
      });
    }
    announcing.add(message);
  }

  @Override
  public Future<?> stop() {
    return Future.join(pool == null ? Future.succeededFuture() : pool.close(),
        sendPool == null ? Future.succeededFuture() : sendPool.close());
  }
}
