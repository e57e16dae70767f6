-- Neither side of a direct conversation is its owner (no one may remove the other or change it).
UPDATE conversations SET owner_id = NULL WHERE kind = 'direct';
