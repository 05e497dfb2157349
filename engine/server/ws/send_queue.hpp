// A WebSocket client's bounded send queue: messages waiting behind the one write in flight.
// When it is full the oldest waiting entry is dropped (the client sees a gap in `seq`, or a
// missing ack), so a client that stops reading can neither grow the server's memory nor stall
// the producer feeding it.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace neuro::server::ws {

using Frames = std::vector<std::shared_ptr<const std::string>>;

struct OutMessage {
  std::shared_ptr<const std::string> bytes;  // shared by every subscriber of a stream packet
  bool binary = false;
  // Or a burst: messages written back to back (a packet cut by samples_per_packet). One entry of
  // the queue, so that its bound and its drops count packets, however finely they are cut.
  std::shared_ptr<const Frames> burst;

  std::size_t messages() const noexcept { return burst ? burst->size() : 1; }
  const std::string& part(std::size_t i) const { return burst ? *(*burst)[i] : *bytes; }
};

class SendQueue {
 public:
  explicit SendQueue(std::size_t limit) : limit_(limit == 0 ? 1 : limit) {}

  // Appends `message`; returns how many messages were dropped to make room: the oldest entries
  // go while more than `limit` entries or messages wait (the newest entry always stays, a whole
  // cut packet even when it alone has more).
  std::size_t push(OutMessage message) {
    messages_ += message.messages();
    queue_.push_back(std::move(message));
    std::size_t dropped = 0;
    while (queue_.size() > 1 && (queue_.size() > limit_ || messages_ > limit_)) {
      dropped += queue_.front().messages();
      messages_ -= queue_.front().messages();
      queue_.pop_front();
    }
    return dropped;
  }

  OutMessage pop() {
    OutMessage front = std::move(queue_.front());
    queue_.pop_front();
    messages_ -= front.messages();
    return front;
  }

  bool empty() const noexcept { return queue_.empty(); }
  std::size_t size() const noexcept { return queue_.size(); }
  std::size_t messages() const noexcept { return messages_; }
  std::size_t limit() const noexcept { return limit_; }
  void clear() noexcept {
    queue_.clear();
    messages_ = 0;
  }

 private:
  std::size_t limit_;
  std::deque<OutMessage> queue_;
  std::size_t messages_ = 0;  // in the entries waiting
};

}  // namespace neuro::server::ws
