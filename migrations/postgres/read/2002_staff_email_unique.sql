-- One staff login per address. Signup claims the address here (an insert
-- this index refuses for a second signup) before it records the team, so
-- two concurrent signups with one address cannot both succeed. A duplicate
-- left by the earlier check-then-append race keeps its first login only.
DELETE FROM logins
WHERE principal_kind = 'staff'
  AND EXISTS (
    SELECT 1 FROM logins AS earlier
    WHERE earlier.principal_kind = 'staff'
      AND earlier.email = logins.email
      AND earlier.principal_id < logins.principal_id
  );
CREATE UNIQUE INDEX logins_staff_email ON logins (email) WHERE principal_kind = 'staff';
