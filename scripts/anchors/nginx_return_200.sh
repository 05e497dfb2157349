# shellcheck shell=bash
# Sourced by the load anchors (after scripts/lib.sh): nginx answering `return 200 "ok"` on
# 127.0.0.1, its own config and temp files in a work directory, one worker, keep-alive without a
# request limit.
#   start_nginx_return_200 WORK_DIR PORT CPU_LIST   (sets nginx_pid; waits until it answers;
#                                                    stops it when the script exits)
start_nginx_return_200() {
  local work=$1 port=$2 cpus=$3 nginx
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [[ -x $nginx ]] || die 2 "install nginx-light"
  cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$port reuseport backlog=4096;
    location / { return 200 "ok"; }
  }
}
CONF
  taskset -c "$cpus" "$nginx" -p "$work" -c "$work/nginx.conf" &
  # shellcheck disable=SC2034  # the function's result: read by the script that sourced this file
  nginx_pid=$!
  neuro_on_exit stop_and_wait "$nginx_pid"
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
    sleep 0.1
  done
  die 2 "nginx did not answer on 127.0.0.1:$port ($work/error.log)"
}

# stop_and_wait PID: SIGTERM to a child of this script, then wait for it (an exit action).
stop_and_wait() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
