//! Removal.

use super::*;

#[test]
fn staff_remove_a_file() {
    let state = given::<StoredFile>([uploaded(Author::Client(alice()), "a.png", "image/png")])
        .when(FileCommand::Remove { staff: staff() })
        .then([FileEvent::Removed(FileRemoved {
            file: file(),
            by: staff(),
        })]);
    assert!(!state.is_present());
}

#[test]
fn removing_a_removed_file_records_nothing() {
    given::<StoredFile>([
        uploaded(Author::Client(alice()), "a.png", "image/png"),
        FileEvent::Removed(FileRemoved {
            file: file(),
            by: staff(),
        }),
    ])
    .when(FileCommand::Remove { staff: staff() })
    .then_nothing();
}

#[test]
fn removing_an_unknown_file_is_not_found() {
    given::<StoredFile>([])
        .when(FileCommand::Remove { staff: staff() })
        .then_refused(FileError::NotFound);
}
