"""Reform news: the workflow and revisions (``articles``), pictures, articles from Word files, the Atom feed."""
