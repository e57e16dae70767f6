-- Login throttling (SPEC §3): attempts per username within a fixed window. An attempt is taken
-- (counted) by one statement before the password is checked, so parallel guesses cannot all read
-- the same old count; a right password gives its attempt back. Shared by every node.

CREATE TABLE login_attempts (
  username     text PRIMARY KEY,   -- lower(username); unknown usernames count like known ones
  attempts     int NOT NULL,
  window_start timestamptz NOT NULL
);

-- Failed logins were counted from the audit log; that index served only this count.
DROP INDEX audit_log_login;
