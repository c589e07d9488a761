using System.Text;
using Mq.NameServers;
using Mq.Protocol.Body;
using Mq.TestKit;

namespace Mq.Tests.NameServers;

public sealed class KvConfigStoreTests
{
    [Test]
    public void PutGetDeleteAndNamespaceListing()
    {
        KvConfigStore store = KvConfigStore.InMemory();
        Assert.That(store.Get("ns", "k"), Is.Null);
        Assert.That(store.GetNamespace("ns"), Is.Null);
        store.Put("ns", "k", "v");
        store.Put("ns", "k2", "v2");
        store.Put("ns", "k", "v1");
        Assert.That(store.Get("ns", "k"), Is.EqualTo("v1"));
        Assert.That(store.GetNamespace("ns")!.Table, Is.EquivalentTo(new Dictionary<string, string> { ["k"] = "v1", ["k2"] = "v2" }));
        Assert.That(store.Delete("ns", "k"), Is.True);
        Assert.That(store.Delete("ns", "k"), Is.False);
        Assert.That(store.Get("ns", "k"), Is.Null);
    }

    [Test]
    public void PersistsAcrossReopenInTheJavaFileShape()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("namesrv", "kvConfig.json");
        KvConfigStore store = KvConfigStore.Open(path);
        store.Put(KvConfigStore.OrderTopicConfigNamespace, "OrderTopic", "broker-a:4;broker-b:4");
        store.Put("other", "key \"quoted\"", "välue\u0001");

        Assert.That(File.ReadAllText(path), Does.StartWith("{\"configTable\":{\"ORDER_TOPIC_CONFIG\":{\"OrderTopic\":\"broker-a:4;broker-b:4\"}"));
        Assert.That(File.Exists(path + ".tmp"), Is.False);
        Assert.That(File.Exists(path + ".bak"), Is.True, "the previous version is kept");

        KvConfigStore reopened = KvConfigStore.Open(path);
        Assert.That(reopened.LoadedFromBackup, Is.False);
        Assert.That(reopened.Get(KvConfigStore.OrderTopicConfigNamespace, "OrderTopic"), Is.EqualTo("broker-a:4;broker-b:4"));
        Assert.That(reopened.Get("other", "key \"quoted\""), Is.EqualTo("välue\u0001"));

        reopened.Delete("other", "key \"quoted\"");
        Assert.That(KvConfigStore.Open(path).Get("other", "key \"quoted\""), Is.Null);
    }

    [Test]
    public void ReadsAJavaWrittenFile()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("kvConfig.json");
        File.WriteAllText(path, "{\n\t\"configTable\":{\n\t\t\"ORDER_TOPIC_CONFIG\":{\n\t\t\t\"T\":\"broker-a:8\"\n\t\t}\n\t}\n}");
        Assert.That(KvConfigStore.Open(path).Get("ORDER_TOPIC_CONFIG", "T"), Is.EqualTo("broker-a:8"));
    }

    [Test]
    public void CorruptFileFallsBackToTheBackupAndBothCorruptIsAClearError()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("kvConfig.json");
        KvConfigStore store = KvConfigStore.Open(path);
        store.Put("ns", "a", "1");
        store.Put("ns", "b", "2"); // .bak now holds {a:1}
        File.WriteAllText(path, "{\"configTable\":{\"ns\":{\"a\":"); // torn

        KvConfigStore recovered = KvConfigStore.Open(path);
        Assert.That(recovered.LoadedFromBackup, Is.True);
        Assert.That(recovered.Get("ns", "a"), Is.EqualTo("1"));

        File.WriteAllText(path + ".bak", "garbage");
        File.WriteAllText(path, "garbage");
        var e = Assert.Throws<InvalidDataException>(() => KvConfigStore.Open(path));
        Assert.That(e!.Message, Does.Contain("kvConfig.json"));
        Assert.That(File.ReadAllText(path), Is.EqualTo("garbage"), "nothing overwritten");
    }

    [Test]
    public void MissingFileStartsEmptyAndNullPathIsMemoryOnly()
    {
        using var dir = new TempDirectory();
        KvConfigStore store = KvConfigStore.Open(dir.Combine("none.json"));
        Assert.That(store.GetNamespace("x"), Is.Null);
        KvConfigStore memory = KvConfigStore.Open(null);
        memory.Put("a", "b", "c");
        Assert.That(memory.Path, Is.Null);
        Assert.That(Directory.GetFiles(dir.Path), Is.Empty);
    }

    [Test]
    public void KVTableEncodingMatchesJava()
    {
        KvConfigStore store = KvConfigStore.InMemory();
        store.Put("ns", "k", "v");
        Assert.That(Encoding.UTF8.GetString(store.GetNamespace("ns")!.Encode()), Is.EqualTo("{\"table\":{\"k\":\"v\"}}"));
        Assert.That(KVTable.Decode(store.GetNamespace("ns")!.Encode()).Table["k"], Is.EqualTo("v"));
    }
}
