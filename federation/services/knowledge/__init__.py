"""The knowledge hub: articles [実践知] with versions and templates, the
textbook [教科書], consultations [壁打ち], the practice community
[実践コミュニティ] and one Japanese search over articles and consultations.

Who sees what is decided by `permissions.knowledge_audiences` only.
"""
