//! Large things let go of away from the path the collector waits on. Freeing a re-import's
//! copy of the book (a million invoices, their maps and lists: millions of allocations)
//! took 75 ms once the import was done, before the command could answer. A thread of its
//! own frees them instead; a command that exits meanwhile leaves them to the system.

/// Drop `value` on a thread of its own; here, if no thread can be started. Only for a
/// value whose freeing costs more than starting a thread (tens of microseconds).
pub fn let_go<T: Send + 'static>(value: T) {
    // A thread that cannot be started drops its closure, and the value with it, here.
    let _ = std::thread::Builder::new().name("let-go".into()).spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tells(std::sync::mpsc::Sender<std::thread::ThreadId>);

    impl Drop for Tells {
        fn drop(&mut self) {
            let _ = self.0.send(std::thread::current().id());
        }
    }

    #[test]
    fn a_value_let_go_is_dropped_on_another_thread() {
        let (tell, told) = std::sync::mpsc::channel();
        let_go(Tells(tell));
        let dropped_on = told.recv_timeout(std::time::Duration::from_secs(10)).expect("dropped");
        assert_ne!(dropped_on, std::thread::current().id());
    }
}
