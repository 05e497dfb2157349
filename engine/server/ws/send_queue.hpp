// A WebSocket client's bounded send queue: messages waiting behind the one write in flight.
// When it is full the oldest waiting message is dropped (the client sees a gap in `seq`, or a
// missing ack), so a client that stops reading can neither grow the server's memory nor stall
// the producer feeding it.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>

namespace neuro::server::ws {

struct OutMessage {
  std::shared_ptr<const std::string> bytes;  // shared by every subscriber of a stream packet
  bool binary = false;
};

class SendQueue {
 public:
  explicit SendQueue(std::size_t limit) : limit_(limit == 0 ? 1 : limit) {}

  // Appends `message`; returns true when the oldest waiting message was dropped to make room.
  bool push(OutMessage message) {
    bool dropped = false;
    if (queue_.size() >= limit_) {
      queue_.pop_front();
      dropped = true;
    }
    queue_.push_back(std::move(message));
    return dropped;
  }

  OutMessage pop() {
    OutMessage front = std::move(queue_.front());
    queue_.pop_front();
    return front;
  }

  bool empty() const noexcept { return queue_.empty(); }
  std::size_t size() const noexcept { return queue_.size(); }
  std::size_t limit() const noexcept { return limit_; }
  void clear() noexcept { queue_.clear(); }

 private:
  std::size_t limit_;
  std::deque<OutMessage> queue_;
};

}  // namespace neuro::server::ws
