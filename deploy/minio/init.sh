#!/bin/sh
# minio-init (docker-compose.yml): the buckets, then one user per service whose policy (NAME.json beside this script)
# names only the buckets it uses. Runs again harmlessly: policies are replaced, a user's key is set anew.
set -eu
mc alias set stagepass http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing stagepass/segments stagepass/replays stagepass/lake stagepass/checkpoints
user_with_policy() { # NAME SECRET_KEY
  mc admin policy create stagepass "stagepass-$1" "/policies/$1.json"
  mc admin user add stagepass "$1" "$2"
  mc admin policy attach stagepass "stagepass-$1" --user "$1" 2>/dev/null || echo "stagepass-$1 already attached to $1"
}
user_with_policy ingest "$KEY_INGEST"
user_with_policy jobs "$KEY_JOBS"
user_with_policy replay-api "$KEY_REPLAY_API"
user_with_policy pipeline "$KEY_PIPELINE"
