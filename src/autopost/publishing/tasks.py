"""huey tasks: thin wrappers that take ids and call the services."""

from huey.contrib.djhuey import db_task

from autopost.publishing.attempt import run_publication


@db_task()
def publish_job(publication_id: int) -> None:
    run_publication(publication_id)
